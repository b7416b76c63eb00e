"""The slaforge exporter: polls the probes declared in SLA files and serves their metrics.

Layout, one concern per module:

- :mod:`.targets`      SLAs -> probe targets (buckets, phase, shard)
- :mod:`.http_probe`, :mod:`.tcp_probe`, :mod:`.tls`, :mod:`.prober`   running one probe
- :mod:`.rolling`, :mod:`.state`    per-probe counters and in-memory SLI windows
- :mod:`.scheduler`    one steady timer per probe, lag measured
- :mod:`.collector`    the exporter's registry and the fast text exposition
- :mod:`.server`, :mod:`.status_page`   /metrics, /-/healthy, /-/ready and the status page
- :mod:`.reload`       reading, diffing and watching the SLA files
- :mod:`.app`          wiring it all together
"""
