"""Data input · warehouse: templates, uploads, a form, history with undo, editable latest rows."""
from dashboard.ui.input_page import render_input_page

render_input_page("warehouse")
