"""`haven edit`: the hub in a browser, served by Haven itself on 127.0.0.1.

    forms.py         the one content schema → form fields (help text from the schema)
    files.py         YAML/Markdown round trip (ruamel.yaml): apply a form, keep the rest
    validation.py    the build's own load/validate on the changed file, in memory
    queue.py         the verification queue (haven check's freshness), the start page
    translations.py  a language's segments, their checks, saving through `translate import`
    server.py        the HTTP server: token + cookie, Host/Origin checks, routes, preview
"""
