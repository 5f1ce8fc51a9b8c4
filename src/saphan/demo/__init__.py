"""Demo data: organisations across the 25 project provinces and a user for every role.

All names are invented ("ตัวอย่าง" = example); nothing here is real personal data.
"""
