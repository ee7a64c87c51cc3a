/* The identity service's whole API, one line a route. */
#include "identity.h"

route_t identity_routes[] = {
    {"POST", "/auth/login", h_login, ROUTE_PUBLIC},
    {"POST", "/auth/refresh", h_refresh, ROUTE_PUBLIC},
    {"POST", "/auth/logout", h_logout, ROUTE_PUBLIC},
    {"GET", "/.well-known/jwks.json", h_jwks, ROUTE_PUBLIC},
    {"GET", "/me", h_me_get, 0},
    {"PATCH", "/me", h_me_patch, 0},
    {"GET", "/users", h_users_list, 0},
    {"POST", "/users", h_users_create, 0},
    {"GET", "/users/:id", h_users_get, 0},
    {"PATCH", "/users/:id", h_users_patch, 0},
    {"GET", "/departments", h_departments_list, 0},
    {"POST", "/departments", h_departments_create, 0},
    {"GET", "/departments/:id", h_departments_get, 0},
    {"PATCH", "/departments/:id", h_departments_patch, 0},
    {"GET", "/notifications", h_notifications_list, 0},
    {"POST", "/notifications/:id/read", h_notifications_read, 0},
    {"GET", "/audit-events", h_audit_list, 0},
    {"GET", "/audit-events/verify", h_audit_verify, 0},
    {"GET", "/audit-events/heads", h_audit_heads, 0},
};

const size_t identity_nroutes = sizeof identity_routes / sizeof identity_routes[0];
