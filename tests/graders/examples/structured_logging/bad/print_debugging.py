# Service code reports progress with print() and has no logger at all.
from fastapi import FastAPI

app = FastAPI()


@app.post("/jobs/{job_id}/run")
def run_job(job_id: int) -> dict:
    print(f"starting job {job_id}")
    result = {"job": job_id, "status": "done"}
    print("job finished", result)
    return result
