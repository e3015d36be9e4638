"""The charge point simulator (``csms-sim``): a station that boots, reports status,
authorizes, charges with meter values, and answers CSMS-initiated calls."""
