"""Trade statistics over a columnar store: cleared lines in Parquet, indicators with DuckDB.

Public API::

    Lake(root)                                   the Parquet lake (lake.py)
    load_day(source, lake, day) / refresh(source, lake) / rebuild(source, lake)
                                                 fill it from the clearance store (loading.py)
    Indicators(lake).breakdown(Query(...)) / .growth / .year_to_date / .share_of_official /
        .digital_application_rate            each a Result with its Definition and as_of
    history.generate(lake, start=..., months=..., lines_per_day=...)  demo history, no clearance
    load_official(lake, csv) / load_entities(lake, csv) / save_rates(lake, csv)
    bench.run(lines) -> dict                     `tradewindow bench analytics`
    commands.register(subparsers)                `tradewindow analytics …`
"""
