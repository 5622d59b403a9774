"""The annual 述职评议 of secretaries: the grade the portal suggests from the year's list
scores and health findings (`suggestion`), the grade staff of the committee above give
(`services`), and what the pages read (`selectors`); the pages and form beside them."""
