"""Daily reminders: returns and end-of-grant reports due within a week or overdue, at most
one e-mail per person per day (`services.reminders_send`, run by beat each morning)."""
