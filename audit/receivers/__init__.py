"""Signal receivers that turn what happens elsewhere into audit events. Importing this
package (AuditConfig.ready) connects them."""

from . import authentication, exports, lockouts, permissions, personal_data, roles  # noqa: F401
