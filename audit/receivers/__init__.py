"""Signal receivers that turn what happens elsewhere into audit events. Importing this
package (AuditConfig.ready) connects them."""

from . import (  # noqa: F401
    accounts_admin,
    authentication,
    exports,
    lockouts,
    permissions,
    personal_data,
    roles,
    second_factor,
)
