-- Reserved for the health area: its tables arrive with that area's work.
SELECT 1;
