"""The `plantkpi` sub-commands that do more than call one function: each reads its arguments,
asks dashboard.kpi / dashboard.reports / data_access for the work, prints the result in the
user's language and returns an exit code (dashboard.commands.exit_codes). dashboard/cli.py
parses the command line and hands over to them. No Streamlit import here."""
