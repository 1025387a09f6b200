"""The WSIS Forum (paras 67, 90): editions and their sessions, the programme and its iCalendar feed,
outcome statements, statistics, and open multi-stakeholder consultations."""
