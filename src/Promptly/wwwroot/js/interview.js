// The candidate page.
