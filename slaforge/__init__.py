"""slaforge: SLAs in, monitoring out."""

__version__ = "0.1.0"
