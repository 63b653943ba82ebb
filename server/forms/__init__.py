"""Form pages and the JSON API, both derived from the form definitions: new, edit, view, return, accept.

Lives here: `pages` (HTML forms), `values` (between stored values and form fields), `extras` (what a
record page adds: the step it continues into), `closure` (a closure request decided on its page),
`progress` (monthly reports marked and confirmed when unchanged), `api` (the JSON API) and `openapi`
(its OpenAPI document).
May import: `xietiao`, Starlette, and the shared server modules (`context`, `downloads`, `security`).
"""
