"""The repositories, one module per aggregate; `storage.repositories.Repositories` holds them all."""
