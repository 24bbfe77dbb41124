# OpenAI client constructed with a literal project key.
from openai import OpenAI

client = OpenAI(api_key="sk-proj-VQRNM6xfRY0fFJDVpNWcDmggZvLdioGdBX3jWbUp")


def summarize(text: str) -> str:
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    return resp.choices[0].message.content or ""
