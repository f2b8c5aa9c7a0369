"""GoTrue's endpoints that this project calls: /token, /logout, /user, /admin/users."""
