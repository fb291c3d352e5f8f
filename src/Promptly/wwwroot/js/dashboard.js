// The operators' dashboard.
