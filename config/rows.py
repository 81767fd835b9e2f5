"""Serialising a page of list rows without DRF's per-row, per-field machinery.

A list page is fifty rows of a dozen or more fields. DRF's `Serializer.to_representation`
walks `_readable_fields` for every row, resolves every field's source through its generic
`get_attribute` (mapping checks, exception handling), and a `DateTimeField` looks the current
time zone up again for every value: profiled on the returns, applications and grants lists,
that was over a third of the request (bench/RESULTS.md). `FastRowsMixin` works out once per
serializer how to read each field, then reads plain attributes directly. The output is the
same as DRF's (tests/alliance/test_list_rows.py and tests/grants/test_list_rows.py compare
them field for field), and the fields are declared as usual, so the OpenAPI schema does not
change.

Building the plan needs the serializer's fields, and DRF builds those again for every
request (deep copies of the declared fields, and the model introspection of every
`ModelSerializer` field): a third of the serialisation time, profiled. So the plan is built
once per process, per serializer class and time zone, from a serializer made for the
purpose with no request, no instance and no context; it holds the field objects, the
attribute paths and the converters, none of which depend on a request. A serializer whose
output could depend on the request (a method field, a hyperlink, a nested serializer that
is not itself a `FastRowsMixin`, a default that asks for the context, or its own
`get_fields`) keeps a plan per page, as before. A change of settings (tests) clears it.
"""

import threading

from django.core.exceptions import ObjectDoesNotExist
from django.core.signals import setting_changed
from django.utils import timezone
from rest_framework import fields as drf_fields
from rest_framework import relations
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response


def _datetime(field):
    """`DateTimeField.to_representation` with the time zone looked up once, not per value."""
    output_format = getattr(field, "format", drf_fields.api_settings.DATETIME_FORMAT)
    if output_format is None or output_format.lower() != drf_fields.ISO_8601:
        return field.to_representation
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return field.to_representation

    def represent(value):
        if isinstance(value, str) or not timezone.is_aware(value):
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _plain_path(field, model):
    """The attribute names to read for `field`, or None if DRF's own way is needed."""
    if field.source == "*" or not field.source_attrs:
        return None
    if isinstance(field, relations.PrimaryKeyRelatedField):
        # A foreign key on the row itself: read its `_id` column, never the related row.
        if field.pk_field is not None or len(field.source_attrs) != 1 or model is None:
            return None
        try:
            model_field = model._meta.get_field(field.source_attrs[0])
        except Exception:
            return None
        if not getattr(model_field, "concrete", False) or not model_field.is_relation:
            return None
        return [model_field.attname]
    if isinstance(field, relations.RelatedField | relations.ManyRelatedField):
        return None
    return list(field.source_attrs)


def _build_plan(serializer):
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    plan = []
    for field in serializer._readable_fields:
        path = _plain_path(field, model)
        if isinstance(field, drf_fields.DateTimeField):
            convert = _datetime(field)
        elif isinstance(field, relations.PrimaryKeyRelatedField) and path is not None:
            convert = None
        else:
            convert = field.to_representation
        plan.append((field.field_name, field, path, convert))
    return tuple(plan)


def _request_free(field) -> bool:
    """True if `field` writes the same value for a row whatever the request."""
    if getattr(field.default, "requires_context", False):
        return False
    if isinstance(field, drf_fields.SerializerMethodField | drf_fields.HiddenField):
        return False
    if isinstance(field, drf_serializers.ListSerializer):
        return False
    if isinstance(field, drf_serializers.BaseSerializer):
        return isinstance(field, FastRowsMixin) and field._shareable()
    if isinstance(field, relations.ManyRelatedField):
        return False
    if isinstance(field, relations.RelatedField):
        return isinstance(field, relations.PrimaryKeyRelatedField)
    return True


# (serializer class, time zone) -> plan; built once per process (module docstring).
_PLANS: dict = {}
_PLANS_LOCK = threading.RLock()  # re-entered for a nested row serializer


def _forget_plans(**kwargs):
    # Settings (time zone, DRF's formats) shape the plan; a test that changes them gets
    # plans built under the new ones.
    with _PLANS_LOCK:
        _PLANS.clear()


setting_changed.connect(_forget_plans, dispatch_uid="config.rows.forget_plans")


class FastRowsMixin:
    """Mix into a read-only (list) serializer; see the module docstring."""

    @classmethod
    def _shared_plan(cls):
        """The class's plan, built once on a serializer with no request; None if the
        class's output could depend on the request (module docstring)."""
        key = (cls, timezone.get_current_timezone_name())
        plan = _PLANS.get(key)
        if plan is None:
            with _PLANS_LOCK:
                plan = _PLANS.get(key)
                if plan is None:
                    template = cls()
                    shareable = cls.get_fields in (
                        drf_serializers.ModelSerializer.get_fields,
                        drf_serializers.Serializer.get_fields,
                    ) and all(_request_free(field) for field in template._readable_fields)
                    plan = _build_plan(template) if shareable else False
                    _PLANS[key] = plan
        return plan or None

    @classmethod
    def _shareable(cls) -> bool:
        return cls._shared_plan() is not None

    def _row_plan(self):
        plan = self.__dict__.get("_fast_row_plan")
        if plan is None:
            plan = self._shared_plan() or _build_plan(self)
            self.__dict__["_fast_row_plan"] = plan
        return plan

    def to_representation(self, instance):
        row = {}
        for name, field, path, convert in self._row_plan():
            if path is None:
                value = field.get_attribute(instance)
                if isinstance(value, relations.PKOnlyObject):
                    value = value if value.pk is not None else None
            else:
                value = instance
                try:
                    for attr in path:
                        value = getattr(value, attr)
                        if value is None:
                            break
                except (ObjectDoesNotExist, AttributeError):
                    # A missing related row: DRF's rules (the field's default, or an error).
                    value = field.get_attribute(instance)
            if value is None:
                row[name] = None
            else:
                row[name] = convert(value) if convert is not None else value
        return row


class Row:
    """A list row read with `.values()`, read like the model instance it stands for:
    `row.organisation.name` for the column `organisation__name`, `row.decision` None when
    the joined row is missing. Building model instances (and those of every joined row)
    was the largest share of a list page after the query itself (bench/RESULTS.md); a
    serializer whose fields are columns, or properties computed from them, reads these as
    it would the instances."""

    def __init__(self, **attrs):
        self.__dict__.update(attrs)

    @property
    def pk(self):
        return self.id


_ROW_CLASSES: dict = {}


def row_class(model):
    """A `Row` with `model`'s properties (a period's `label`), computed by the model's own
    code from the columns read."""
    cls = _ROW_CLASSES.get(model)
    if cls is None:
        properties = {}
        for klass in reversed(model.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, property) and name != "pk":
                    properties[name] = value
        cls = _ROW_CLASSES[model] = type(f"{model.__name__}Row", (Row,), properties)
    return cls


def _reader(keys, model, nullable, prefix=""):
    """A function making a `Row` from a `.values()` dict with `keys`, worked out once per
    page: which keys are the row's own columns, which belong to a joined row."""
    own, joined = [], {}
    for key in keys:
        name, sep, _rest = key[len(prefix) :].partition("__")
        if sep:
            joined.setdefault(name, []).append(key)
        else:
            own.append((name, key))
    cls = row_class(model) if model is not None else Row
    for name, _key in own:
        if isinstance(getattr(cls, name, None), property):
            # A property would hide the column read under its name.
            raise ValueError(f"{cls.__name__}.{name} is a property, not a column to read")
    readers = []
    for name, joined_keys in joined.items():
        related = model._meta.get_field(name).related_model if model is not None else None
        path = f"{prefix}{name}"
        missing_when = f"{path}__id" if path in nullable else None
        readers.append((name, missing_when, _reader(joined_keys, related, nullable, f"{path}__")))

    def read(values):
        row = cls.__new__(cls)
        attrs = row.__dict__
        for name, key in own:
            attrs[name] = values[key]
        for name, missing_when, reader in readers:
            if missing_when is not None and values[missing_when] is None:
                attrs[name] = None
            else:
                attrs[name] = reader(values)
        return row

    return read


def rows_from_values(dicts, model=None, nullable=()):
    """`Row`s (with `model`'s properties) from `.values()` dicts. `nullable` names the
    joined rows that may be missing (`decision`, `application__report`), each selected
    with its `id`: one whose `id` is NULL is None, as the instance's would be."""
    dicts = list(dicts)
    if not dicts:
        return []
    read = _reader(list(dicts[0]), model, frozenset(nullable))
    return [read(values) for values in dicts]


class _CountedWithoutJoins:
    """What a list paginates: sliced as `.values()` rows, counted on the queryset they came
    from. The joins `.values()` adds for the joined columns stay in its COUNT (those of
    `select_related` do not): measured, that made the commissioner's applications and
    grants lists slower than with instances."""

    def __init__(self, queryset, values):
        self.queryset = queryset
        self.values = values
        self.ordered = values.ordered

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        return self.values[key]


class ValuesListMixin:
    """For a list view (before `ListModelMixin`): `list` as DRF's, with the page read as
    `.values(*list_values)` into `Row`s rather than model instances. Filtering, ordering,
    pagination and the serializer are unchanged; every field the list serializer reads
    must be among the columns (or a property of the model computed from them), which the
    list row tests check against DRF's output from instances."""

    list_values: list[str] = []
    list_nullable: tuple[str, ...] = ()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        model = queryset.model
        values = queryset.values(*self.list_values)
        page = self.paginate_queryset(_CountedWithoutJoins(queryset, values))
        rows = rows_from_values(values if page is None else page, model, self.list_nullable)
        serializer = self.get_serializer(rows, many=True)
        if page is None:
            return Response(serializer.data)
        return self.get_paginated_response(serializer.data)
