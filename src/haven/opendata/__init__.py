"""Open data: the directory as Open Referral HSDS 3.0 (export and import), schema.org JSON-LD,
and HTML fragments a district can paste into its existing website."""
