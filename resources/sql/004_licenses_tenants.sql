-- Reserved for the licenses_tenants area: its tables arrive with that area's work.
SELECT 1;
