"""SDMX 2.1 REST web service over the indicators warehouse (``/sdmx/rest/``)."""
