"""The office's service manual (คู่มือสำหรับประชาชน): entries, validation, search, reply cards."""
