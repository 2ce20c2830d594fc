"""Admin · master data: every master kind, with the same input page as the departments."""
from dashboard.ui.input_page import render_input_page

render_input_page("admin")
