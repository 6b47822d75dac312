from django.db import models


class LoadedItem(models.Model):
    """The fingerprint of a data-file item as it was last loaded.

    `load_content` compares a file's item with this fingerprint rather than with the
    database, so a second run touches nothing, a changed file updates its page or snippet,
    and an editor's later changes in the admin are not undone by an unchanged file.
    """

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=120)
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_loaded_item")]

    def __str__(self):
        return f"{self.kind}:{self.key}"
