"""What people read and look at: the figures, the HTML report and the interactive page.

- ``plots`` and the ``*_plots`` modules draw each job's figures from its tables;
- ``report`` renders an output folder as one page: each job describes its page in a
  ``<kind>_report`` module here (found by name), ``report_tables`` holds what a description is
  made of, ``report_html`` and ``templates/`` the markup, ``mini_markdown`` the prose;
- ``app`` is the interactive page (``solara run bondsim.outputs.app``), ``app_runs`` the runs
  it steps and ``app_chart`` the chart it draws.

The layer rule (``tests/test_layers.py`` enforces it): outputs may import the model, the
experiments and the shared modules at the top of ``bondsim`` (``errors``, ``io``,
``numbers``, ...); only the faces (``cli``, ``api``) import outputs, and the jobs that still
draw their own figures when they finish (listed with their reason in the test).
"""
