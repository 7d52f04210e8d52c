"""HR import of employees and departments (being written)."""


def employees_import(**kwargs):
    raise NotImplementedError
