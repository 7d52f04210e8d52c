import factory
from django.utils import timezone

from people.models import Department, Employee, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct-horse-battery")


class DepartmentFactory(factory.django.DjangoModelFactory):
    """Creates a root department, or a child of `parent`."""

    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"Department {n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(kwargs)
        return model_class.objects.add_child(parent, kwargs)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:06d}")
    department = factory.SubFactory(DepartmentFactory)
    job_title = "Analyst"
    locale = "en"
    hired_on = factory.LazyFunction(lambda: timezone.localdate())
