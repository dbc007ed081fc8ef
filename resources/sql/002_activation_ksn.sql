-- Reserved for the activation_ksn area: its tables arrive with that area's work.
SELECT 1;
