# BAD: contextlib.suppress(Exception) hides any failure while updating the search index.
import contextlib
import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from catalog.models import Product
from search.client import SearchClient

logger = logging.getLogger(__name__)
client = SearchClient("http://127.0.0.1:9200")


@receiver(post_save, sender=Product)
def index_product(sender, instance: Product, created: bool, **kwargs) -> None:
    document = {
        "id": instance.pk,
        "name": instance.name,
        "description": instance.description,
        "price": str(instance.price),
    }
    with contextlib.suppress(Exception):
        client.index("products", document_id=instance.pk, body=document)
    logger.debug("product saved", extra={"product_id": instance.pk, "created": created})
