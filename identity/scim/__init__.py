"""SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2/: identity providers create,
update and deactivate employees, and manage the role groups' members.

A small layer of our own (docs/decisions.md), in modules:

- `protocol`: the protocol without the database (errors, `eq` filters, pagination,
  PATCH operations applied to a resource document);
- `users`, `groups`: resources to documents and back; every write of a User becomes
  one row of the HR import (`people.importing.employee_upsert`/`employee_deactivate`),
  every membership change a `people.services.role_group_members_change`;
- `discovery`: ServiceProviderConfig, Schemas, ResourceTypes;
- `tokens`, `models`: the bearer tokens HR makes (hashed, shown once) and externalIds;
- `views` (the API, audited), `pages` (HR's token pages under /identity/scim-tokens/).

Set-up for Entra ID, Okta and Google Workspace: docs/scim.md.
"""
