"""Regenerates pydantic_rows.json: pydantic 2's own answers for the
constructs FastAPI publishes, which TestValueAnswersAsPydantic checks the
mock against. Not run by CI; run by hand with pydantic 2.13.4
(pydantic-core 2.46):

    python internal/stack/testdata/pydantic_rows.py > internal/stack/testdata/pydantic_rows.json

With "random SEED" it writes instead rows for some 1,500 strings made by
mutating dates, times and numbers, as query values of date, datetime,
time, float and bool: a differential check of the mock's parsers against
pydantic's (write them over pydantic_rows.json, run the test, restore).

EmailStr needs email-validator: run it with the PYTHONPATH
internal/fastapi/stack.sh prints (email-validator 2.3.0 from its mirror).

Each value is validated as FastAPI 0.141 validates it: a TypeAdapter of
the annotation, validate_python(value, from_attributes=True)
(fastapi/_compat/v2.py: ModelField.validate), the loc prefixed as
fastapi/dependencies/utils.py prefixes it (request_params_to_args:
("query", name); _validate_value_with_model_field: ("body",) for the body
model). A valid value's "canon" is pydantic's JSON of it (dump_json: what
the service would answer with), where it has one (no sets, no models,
finite). A query value is the str Starlette gives (a list of them for a
list parameter); a body value is what json.loads gives. The schema of
each row is the one pydantic publishes for the annotation (FastAPI's
OpenAPI 3.1 components use the same generator).
"""

import decimal
import enum
import ipaddress
import json
import pathlib
import sys
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal, Optional
from uuid import UUID

import pydantic
from pydantic import (UUID1, UUID4, UUID7, AnyUrl, BaseModel, HttpUrl, DirectoryPath, EmailStr, Field, FilePath, IPvAnyAddress,
                      IPvAnyInterface, IPvAnyNetwork, SecretStr, TypeAdapter, ValidationError)


class Address(BaseModel):
    city: str
    zip: Annotated[str, Field(max_length=5)] = "00000"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Shade(enum.Enum):
    RED = "red"
    DARK = "it's dark"


class Profile(BaseModel):
    nickname: Annotated[str, Field(min_length=2, max_length=8, pattern=r"^[a-z]+$")]
    address: Address
    backup: Optional[Address] = None
    labels: dict[str, int] = {}
    scores: Annotated[list[float], Field(max_length=3)] = []
    shade: Shade = Shade.RED


CASES = []


def case(label, ann, where, inputs, cite):
    CASES.append((label, ann, where, inputs, cite))


Q, B, M = "query", "body", "model"
c_float = "pydantic-core src/validators/float.rs: FloatValidator, ConstrainedFloatValidator (multiple_of, le, lt, ge, gt); src/input/shared.rs: str_as_float"
c_list = "pydantic-core src/validators/list.rs: ListValidator; src/input/return_enums.rs: validate_iter_to_vec (max_length first, items, then min_length)"
c_set = "pydantic-core src/validators/set.rs: SetValidator; return_enums.rs: validate_iter_to_set"
c_bool = "pydantic-core src/input/input_python.rs: validate_bool; src/input/shared.rs: str_as_bool"
c_date = "pydantic-core src/validators/date.rs: DateValidator, date_from_datetime; speedate Date/DateTime::parse_bytes"
c_dt = "pydantic-core src/validators/datetime.rs: DateTimeValidator, datetime_from_date; speedate"
c_time = "pydantic-core src/validators/time.rs: TimeValidator; speedate Time::parse_bytes"
c_str = "pydantic-core src/validators/string.rs: StrConstrainedValidator (min_length, max_length, pattern)"
c_model = "pydantic-core src/validators/model_fields.rs: ModelFieldsValidator (from_attributes; missing with the model's input; extra ignored)"
c_dict = "pydantic-core src/validators/dict.rs: DictValidator"
c_enum = "pydantic-core src/validators/enum_.rs: EnumValidator (IntEnum takes an int as int() would)"
c_lit = "pydantic-core src/validators/literal.rs: LiteralValidator"

case("float", float, Q, ["1.5", " 2 ", "1_000", "1e3", ".5", "inf", "-nan", "half", "", "1,5", "0x10", "_1", "1__0",
                         "1_000.", " 1_000", "1_0.5 ", "1._5", "-_1", "1e_5"], c_float)
case("float multiple of 0.25, le 1", Annotated[float, Field(multiple_of=0.25, le=1)], Q, ["inf", "1e999", "0.3", "1.25"], c_float)
case("float multiple of 0.25", Annotated[float, Field(multiple_of=0.25)], B,
     ["1e-9", "2e-9", "-0.249999999999", "-942.750000001", "17878.500000001", "-0.3", "1e20"], c_float)
case("float multiple of 0.1", Annotated[float, Field(multiple_of=0.1)], B,
     ["3.3", "123456789.1", "623168892.9", "10000000000.1"], c_float)
case("float", float, B, ["1.5", "2", "true", '"1.5"', '"half"', "null", "[1]", '{"a":1}'], c_float)
case("float 0..1", Annotated[float, Field(ge=0, le=1)], B, ["1.5", "-0.1", "0", "1"], c_float)
case("float 0..1", Annotated[float, Field(ge=0, le=1)], Q, ["1.5", "-1", "0.5"], c_float)
case("float (0.5, 1)", Annotated[float, Field(gt=0.5, lt=1)], B, ["0.5", "1", "0.75"], c_float)
case("float multiple of 0.1", Annotated[float, Field(multiple_of=0.1)], B, ["0.3", "0.35"], c_float)
case("float multiple of 2, le 1", Annotated[float, Field(multiple_of=2, le=1)], B, ["3", "2"], c_float)
case("float le 0.00001", Annotated[float, Field(le=0.00001)], B, ["1"], c_float)
case("Optional float", Optional[Annotated[float, Field(ge=0)]], B, ["null", "-1", '"x"'], c_float + "; src/validators/nullable.rs")

case("list[str]", list[str], B, ['"vip"', "null", '{"a":1}', "[1]", '["a",2,null]', "[]"], c_list)
case("list[int] 1..3", Annotated[list[int], Field(min_length=1, max_length=3)], B,
     ["[]", "[1,2,3,4]", '[1,"x",3,4]', '[1,"x"]', "[1]"], c_list)
case("list[int] min 3", Annotated[list[int], Field(min_length=3)], B, ['["x"]', "[1]"], c_list)
case("list[int]", list[int], B, ["[true,false]", "[1e300]", "[1e20]", "[1.5]", "[100000000000000000000]"], c_list + "; src/validators/int.rs (float_as_int through i64)")
case("IntEnum, past i64", Priority, B, ["100000000000000000000", "1e300"], c_enum)
case("Literal mixed, past i64", Literal["a", 1], B, ["100000000000000000000", "1e300"], c_lit)
case("list of bounded str", Annotated[list[Annotated[str, Field(max_length=2)]], Field(max_length=5)], B,
     ['["abc","x","abcd"]'], c_list + "; " + c_str)
case("list[list[int]]", list[list[int]], B, ['[[1],["a"],3]'], c_list)
case("list of models", list[Address], B, ['[{"city":"x"},{},"y"]'], c_list + "; " + c_model)
case("list[Any]", list, B, ['[1,"a",null]', '"x"'], c_list)
case("list[int] query", list[int], Q, [["1", "x", "3"], ["1"]], c_list + "; fastapi/dependencies/utils.py: _get_multidict_value (getlist)")
case("list[str] max 2 query", Annotated[list[str], Field(max_length=2)], Q, [["a", "b", "c"]], c_list)
case("Optional list", Optional[list[int]], B, ["null", '"x"'], c_list + "; nullable.rs")
case("set[str]", set[str], B, ['["a","a"]', '"a"', "null", "[1]"], c_set)
case("set[str] max 1", Annotated[set[str], Field(max_length=1)], B, ['["a","b"]', '["a","a"]'], c_set)
case("set[int] min 2", Annotated[set[int], Field(min_length=2)], B, ["[1,1]", "[1,2]", '[1,"1"]', "[1,1.0]"], c_set)
case("set[int] max 1", Annotated[set[int], Field(max_length=1)], B, ["[1,2]", "[1,1]", '["x",1,2]', '[1,2,"x"]'], c_set)

case("bool", bool, Q, ["true", "1", "yes", "on", "t", "y", "TRUE", "0", "off", "no", "f", "n", "False", " true", "nope", "2"], c_bool)
case("bool", bool, B, ["true", "1", "0", "2", "1.0", "0.0", "1.5", '"yes"', '"maybe"', "null", "[]", "1180591620717411303424"], c_bool)

case("date", date, Q, ["2024-01-15", "2024-1-15", "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "x024-01-15",
                       "2024-x1-15", "2024-01-x5", "2024/01/15", "2024-01x15", "abc", "", "20240115",
                       "2024-01-15T00:00:00", "2024-01-15T10:00:00", "2024-01-15T00:00:00Z", "2024-01-15 00:00",
                       "2024-01-15x", "2024-01-15T25:00:00", "2024-01-15T", "2024-01-15 ", "2024-01-15T1x:00",
                       "2024-01-15T10x00", "2024-01-15T10:x0", "2024-01-15T10:00:x0", "2024-01-15T10:00:0",
                       "2024-01-15T10:00:00.", "2024-01-15T10:00:00+x", "2024-01-15T10:00:00+01",
                       "2024-01-15T10:00:00+24:00", "2024-01-15T10:00x", "2024-01-15T10:60", "2024-01-15T10:00:60",
                       "0000-01-01", "86400", "-1", "1700000000", "99999999999999999", ".5", "+86400", "5.e3",
                       "1e3", "-1.e20", "1.e20", "0.2e55", ".1e395", "-62167219201", "86400.000000001"], c_date)
case("date", date, B, ["0", "86400", "1.5", "1700000000", "null", "true", "[]", "100000000000000000000"], c_date)
case("datetime", datetime, Q, ["2024-01-15T10:00:00", "2024-01-15T10:00:00Z", "2024-01-15t10:00:00z", "2024-01-15",
                               "2024-01-15 10:00", "2024-01-15_10:00", "2024-01-15T10:00:00.1234567", "2024-01-15T10:00:00+01:00",
                               "2024-01-15T10", "2024-01-15T25:00:00", "2024-01-32", "x", "", "2024/01/15",
                               "1700000000", "99999999999999999", "0000-01-01", ".5", "-.5e1", "1e3", "-1.e20",
                               "20000000001", "-17000900000"], c_dt)
case("datetime", datetime, B, ["1700000000", "1.5", "null", "true", "{}", "100000000000000000000"], c_dt)
case("time", time, Q, ["10:00", "10:00:00", "10:00:00Z", "10:00:00+01:00", "10:00:00.1234567", "23:59:59.999999Z",
                       "25:00", "10:0", "x", "", "x0:00", "10x00", "10:x0", "10:00:x0", "10:00:0", "10:00:00.",
                       "10:00:60", "10:61", "10:00:00+25:00", "10:00:00x", "10:00x", "10:00:00+01", " 10:00", "3600", "-1",
                       "25:x0", "25:00:x", "10:60:x", "10:00:61.x", "10:00:00+01:60", "10:00:00+23:59"], c_time)
case("time", time, B, ["3600", "0", "-1", "86400", "86399.5", "null", "true"], c_time)

case("str 2..4 pattern", Annotated[str, Field(min_length=2, max_length=4, pattern=r"^[a-z]+$")], B,
     ['"a"', '"abcde"', '"AB"', '"ab"', "5", "null", "[]"], c_str + "; src/input/input_python.rs: validate_str")
case("str pattern", Annotated[str, Field(pattern=r"^[A-Z]{3}-[0-9]{4}$")], Q, ["ABC-1234", "calm"], c_str)

case("SecretStr 3..8", Annotated[SecretStr, Field(min_length=3, max_length=8)], B, ['"ab"', '"abcdefghi"', '"abc"', "5", "null"],
     "pydantic/types.py: SecretStr (_SecretBase lengths: too_short/too_long of a Value)")
case("dict[str, int]", dict[str, int], B, ['{"a":"x","b":1,"c":null}', '"x"', "null", "[]", '{"a":"7"}'], c_dict)
case("dict[str, Any]", dict, B, ['{"a":[1]}', "[1]"], c_dict)
case("dict of models", dict[str, Address], B, ['{"home":{"zip":"123456"}}'], c_dict + "; " + c_model)

case("IntEnum", Priority, B, ["3", "1", "1.0", "true", '"1"', "null"], c_enum)
case("IntEnum", Priority, Q, ["1", "3", "x"], c_enum)
case("Enum", Shade, B, ['"red"', '"blue"', "1", "null"], c_enum)
case("Literal one", Literal["a"], B, ['"b"'], c_lit)
case("Literal of str", Literal["a", "it's"], B, ['"a"', '"c"', "1", "null"], c_lit)
case("Literal of str", Literal["a", "b"], Q, ["b", "c"], c_lit)
case("Literal of int", Literal[1, 2], B, ["2", "3", '"1"', "1.0", "true"], c_lit)
case("Literal of int", Literal[1, 2], Q, ["1", "3"], c_lit)
case("Literal mixed", Literal["a", 1], B, ["1", "3"], c_lit)

c_uuidv = "pydantic/types.py: UUID1..UUID8 (UuidVersion); pydantic-core src/validators/uuid.rs"
c_email = "pydantic/networks.py: EmailStr, validate_email; email_validator 2.3.0 syntax.py: split_email, validate_email_local_part, validate_email_domain_name"
c_ip = "pydantic/networks.py: IPvAnyAddress, IPvAnyInterface, IPvAnyNetwork; pydantic/_internal/_std_types_schema.py (ipaddress types); python ipaddress"
c_path = "pydantic/_internal/_generate_schema.py: _path_schema (path_type); pathlib.PurePosixPath"
case("UUID4", UUID4, B, ['"c9bf9e57-1685-4c89-bafb-ff5af830be8a"', '"a8098c1a-f86e-11da-bd1a-00112444be1e"',
                         '"C9BF9E5716854C89BAFBFF5AF830BE8A"', '"c9bf9e57-1685-4c89-7afb-ff5af830be8a"',
                         '"00000000-0000-0000-0000-000000000000"', '"x"', "5", "null"], c_uuidv)
case("UUID1", UUID1, Q, ["a8098c1a-f86e-11da-bd1a-00112444be1e", "c9bf9e57-1685-4c89-bafb-ff5af830be8a"], c_uuidv)
case("UUID7", UUID7, B, ['"017f22e2-79b0-7cc3-98c4-dc0c0c07398f"', '"017f22e2-79b0-7cc3-c8c4-dc0c0c07398f"'], c_uuidv)
case("EmailStr", EmailStr, B, ['"ada@example.com"', '" Ada@Example.COM "', '"Postmaster@Example.com"', '"x"', '"@x.com"',
                               '"a@"', '"a@b"', '"a..b@x.com"', '".a@x.com"', '"a.@x.com"', '"a b@x.com"', '"a,b;c@x.com"',
                               '"a@b@x.com"', '"a@x..com"', '"a@.x.com"', '"a@x.com."', '"a@-x.com"', '"a@x.com-"',
                               '"a@x-.com"', '"a@ab--c.com"', '"a@x.c0m"', '"a@x.123"', '"a@b.test"', '"a@mail.localhost"',
                               '"a@example.onion"', '"a@x_y.com"', '"a@x y.com"', "5", "null", "[]"], c_email)
case("EmailStr", EmailStr, Q, ["ada@example.com", "ada"], c_email)
case("IPvAnyAddress", IPvAnyAddress, B, ['"10.0.0.7"', '"2001:DB8::1"', '"2001:db8:0:0:0:0:0:1"', '"10.0.0.7/24"', '"x"',
                                         '"010.0.0.7"', "5", "true", "1.5", "null", '"::1.2.3.4"'], c_ip)
case("IPv4Address", ipaddress.IPv4Address, B, ['"10.0.0.7"', '"::1"', '"10.0.0"', "4294967295", "4294967296", "-1"], c_ip)
case("IPv6Address", ipaddress.IPv6Address, Q, ["::1", "10.0.0.7", "2001:db8::g"], c_ip)
case("IPvAnyInterface", IPvAnyInterface, B, ['"10.0.0.7/24"', '"10.0.0.7"', '"2001:db8::7/64"', '"10.0.0.7/33"',
                                             '"10.0.0.7/"', '"10.0.0.7/024"', '"x"', "7", "null"], c_ip)
case("IPvAnyNetwork", IPvAnyNetwork, B, ['"10.0.0.0/24"', '"10.0.0.7/24"', '"10.0.0.7"', '"2001:db8::/32"', '"2001:db8::1/32"',
                                         '"x"', "null"], c_ip)
case("IPv4Network", ipaddress.IPv4Network, Q, ["10.0.0.0/8", "10.0.0.0/ 8", "::/0", "10.1.0.0/8"], c_ip)
case("IPv6Interface", ipaddress.IPv6Interface, B, ['"2001:db8::7/64"', '"10.0.0.7/24"'], c_ip)
case("Path", pathlib.Path, B, ['"a//b"', '"a/./b/"', '"//a"', '"///a"', '"./a"', '""', '"a/.."', "5", "null", "true"], c_path)
case("FilePath", FilePath, B, ["5"], c_path)
case("DirectoryPath", DirectoryPath, B, ["null"], c_path)
case("bytes", bytes, B, ['"x"', "5", "null", "[1]"], "pydantic-core src/validators/bytes.rs: BytesValidator; src/input/input_python.rs: validate_bytes")

c_union = "pydantic-core src/validators/union.rs: UnionValidator::validate_smart (exactness, fields set; each member's errors at its label)"
c_tuple = "pydantic-core src/validators/tuple.rs: TupleValidator (too_long first, missing items with the whole input)"


class Cat(BaseModel):
    name: str
    lives: int = 9


class Dog(BaseModel):
    name: str
    good: bool


case("int | str", int | str, B, ["1", '"1"', "1.0", "1.5", "true", "[]", "null", '{"a":1}'], c_union)
case("str | int", str | int, B, ["1", '"1"', "1.5"], c_union)
case("int | float", int | float, B, ["1", "1.5", '"1.5"', "true", '"x"'], c_union)
case("float | int", float | int, B, ["1", "1.5", '"1"'], c_union)
case("bool | int", bool | int, B, ["1", "true", '"true"', "2", '"2"', "[]"], c_union)
case("constrained union", Annotated[int, Field(ge=0)] | Annotated[str, Field(max_length=2)] | float | bool, B,
     ["[]", "-1", '"abc"', '"ab"', "null"], c_union)
case("int | str query", int | str, Q, ["1", "x"], c_union)
case("Optional[int | str]", Optional[int | str], B, ["null", "[]", "2"], c_union + "; nullable.rs")
case("int | list[int]", int | list[int], B, ['[1,"x"]', '"x"', "[1,2]"], c_union)
case("list[int] | list[str]", list[int] | list[str], B, ['["1"]', "[1]", "[]", '[1,"a",null]'], c_union)
case("uuid | int", UUID | int, B, ['"c9bf9e57-1685-4c89-bafb-ff5af830be8a"', '"x"', "5", '"5"'], c_union)
case("date | int", date | int, B, ['"2024-01-15"', '"5"', '"x"'], c_union)
case("Cat | Dog", Cat | Dog, B, ['{"name":"x"}', '{"name":"x","good":true}', "{}", '{"name":1,"good":"x"}', "5",
                                 '{"name":"x","lives":"1"}'], c_union + "; " + c_model)
case("Shade | int", Shade | int, B, ['"red"', '"blue"', "1"], c_union + "; " + c_enum)
case("Literal | int", Literal["a", "b"] | int, B, ['"a"', '"c"'], c_union + "; " + c_lit)
case("dict[str, int] | list[str]", dict[str, int] | list[str], B, ['{"a":"x"}', '["a"]', '"x"'], c_union)
case("formats in unions", UUID4 | EmailStr | HttpUrl | timedelta | IPvAnyAddress | ipaddress.IPv4Network
     | ipaddress.IPv6Interface | ipaddress.IPv4Address | bool, B, ['"x"', "[]", '"ada@example.com"', '"10.0.0.7"'], c_union)
case("tuple[int, str]", tuple[int, str], B, ['[1,"a"]', "[1]", '[1,"a",3]', '["x",2]', '"x"', "null", "[]", '{"a":1}',
                                             '["x",2,3,4]', '["x"]', '["1",5]'], c_tuple)
case("tuple[int, Optional[str]]", tuple[int, Optional[str]], B, ["[1,null]", "[1]"], c_tuple)
case("tuple | str", tuple[int, int] | str, B, ["[1]", '"x"', "5"], c_union + "; " + c_tuple)


c_tagged = "pydantic-core src/validators/union.rs: TaggedUnionValidator (union_tag_not_found, union_tag_invalid, the member's errors at its tag)"


class Kitten(BaseModel):
    kind: Literal["kitten"]
    lives: int


class Puppy(BaseModel):
    kind: Literal["puppy"]
    bark: str


case("tagged union", Annotated[Kitten | Puppy, Field(discriminator="kind")], B,
     ['{"kind":"kitten","lives":3}', '{"lives":1}', '{"kind":"cow"}', '{"kind":"kitten","lives":"x"}', '"x"', "null",
      '{"kind":1}', '{"kind":"puppy"}', '{"kind":true}'], c_tagged)

c_dec = "pydantic-core src/validators/decimal.rs: DecimalValidator (finite, normalized digits: max_digits, decimal_places, whole digits; multiple_of, le, lt, ge, gt); FastAPI renders a Decimal ctx through jsonable_encoder (decimal_encoder)"
case("Decimal", decimal.Decimal, B, ["1", "1.5", '"1.50"', '"abc"', '" 1.5 "', '"1e3"', '"NaN"', '"-inf"', "true", "null", "[]",
                                     '"1_000"', '"+.5"', '"-0"', '"0x10"', "100000000000000000000", "0.1", "1234567.0", "1e16",
                                     "1e-7", '"0.0000001"', '"123456789.123456789123456789"', '"."', '""', '"5."', '"1e999999999"'], c_dec)
case("Decimal", decimal.Decimal, Q, ["1.50", "x", "1e-3"], c_dec)
case("Decimal 5,2 in [0, 100)", Annotated[decimal.Decimal, Field(max_digits=5, decimal_places=2, ge=0, lt=100)], B,
     ['"-1"', '"100"', '"99.99"', '"0.001"', '"00012.30"', "1.005", '"1.234"', '"12.300"', '"1E+2"', '"0.00"', '"1e-7"',
      '"1234.5"', '"123.456"', '"12345"'], c_dec)
case("Decimal places 2", Annotated[decimal.Decimal, Field(decimal_places=2)], B, ['"1.234"', '"123456.78"'], c_dec)
case("Decimal digits 3", Annotated[decimal.Decimal, Field(max_digits=3)], B, ['"1.234"', '"999"', '"1000"'], c_dec)
case("Decimal multiple of 0.5", Annotated[decimal.Decimal, Field(multiple_of=decimal.Decimal("0.5"))], B, ['"1.25"', '"1.5"'], c_dec)
case("Decimal (0.5, 10]", Annotated[decimal.Decimal, Field(gt=decimal.Decimal("0.5"), le=10)], B, ['"0.5"', '"11"', '"10"'], c_dec)
case("Optional Decimal", Optional[decimal.Decimal], B, ["null", '"x"'], c_dec)

c_td = "pydantic-core src/validators/timedelta.rs: TimeDeltaValidator; speedate src/duration.rs: Duration::parse_bytes (parse_iso_duration, parse_time, parse_days_time)"
case("timedelta", timedelta, B, ['"P1D"', '"PT1H"', '"P1DT2H3M4.5S"', '"-PT1S"', '"+P1D"', '"P1W"', '"P1Y"', '"P1M"', '"PT"', '"P"', '"x"',
                                 '""', '"10:00"', '"10:00:00"', '"1 day, 10:00:00"', '"1 days 10:00"', '"-10:00:00"', '"25:00:00"',
                                 '"P1.5D"', '"PT1.5H"', '"P1DT"', '"1"', '"1.5"', "3600", "1.5", "-1", "true", "null", "[]",
                                 '"P1D2H"', '"PT1H30M"', '"pt1h"', '"P0D"', '"PT36H"', '"10:60:00"', '"10:00:00.123456789"',
                                 '"P1Y2M3W4DT5H6M7S"', '"1d"', "1e20", '"P999999999D"', '"  P1D"', '"PTT1H"', '"P1.5D2H"',
                                 '"PT1X"', '"1 dx"', '"2 days"', '"1 day,10:00"', '"10:0"', '"10:00x"', '"P1000000000D"',
                                 '"PT1H0M5S"', "0", '"P0.000001D"'], c_td)
case("timedelta", timedelta, Q, ["PT15M", "01:30", "3 Days, 23:00", "10.0.0.7", "15 minutes", "10x00", "1:00:00", "100:00:00",
                                 "12345", "123:45", "ab:cd", "1a:00", "10:0a", "10:00:0", "12:34:56x", "00:00:00,5", "99:59:59",
                                 "10:00:00Z", "1:0", "12 x", "9999999999:00:00", "xy:00", "10:00:61", "10:00:00.", ":10:00"], c_td)

c_url = "pydantic-core src/validators/url.rs: UrlValidator (url_type, url_too_long, url_parsing with the url crate's ParseError, url_scheme)"
urls = ['"https://example.com"', '"HTTPS://Example.COM:443/a/../b?q=1#f"', '"http://example.com:8080/x y"', '"example.com"',
        '"http://"', '"http://example.com:99999"', '"http://example.com:8o"', '"https://1.2.3.4/"', '"https://256.1.1.1"',
        '"https://ex_ample.com/"', '"https://example.com/%zz"', '""', "5", "null", '"//example.com"',
        json.dumps('http://a.b/c?d=e f&g="h"#i j'), '"https://example.com."', '"http://example.com:80/./a/b/.."',
        '"https://example.com/a/{b}/<c>"', '"http://example.com:"', '"3d://x"', '"http://EXAMPLE.com?x"']
case("AnyUrl", AnyUrl, B, urls, c_url)
case("HttpUrl", HttpUrl, B, urls + ['"https://example.com/' + "a" * 2100 + '"'], c_url)
case("HttpUrl", HttpUrl, Q, ["https://example.com/x", "nope"], c_url)

case("model", Profile, M, [
    '{"nickname":"ab","address":{"city":"x"}}',
    '{"nickname":"ab","address":{"city":"x"},"extra":1}',
    "{}",
    '{"nickname":"A","address":"x"}',
    '{"nickname":"abcdefghi","address":null}',
    '{"nickname":"ab","address":{"zip":"123456","extra":1}}',
    '{"nickname":"ab","address":{"city":"x"},"backup":{"zip":1}}',
    '{"nickname":"ab","address":{"city":"x"},"backup":null,"labels":{"a":"b"},"scores":[1,"x",2]}',
    '{"nickname":"ab","address":{"city":"x"},"scores":[1,2,3,4],"shade":"blue"}',
    '{"nickname":"ab","address":{"city":"x"},"labels":null,"scores":null,"shade":null}',
    '[]',
], c_model)


def random_cases(seed):
    import random

    rng = random.Random(seed)
    CASES.clear()
    alphabet = "0123456789-:T Z+._,xet"

    def mutate(text):
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            i, op = rng.randrange(len(chars) + 1), rng.random()
            if op < 0.4 and chars:
                chars[min(i, len(chars) - 1)] = rng.choice(alphabet)
            elif op < 0.7:
                chars.insert(i, rng.choice(alphabet))
            elif chars:
                del chars[min(i, len(chars) - 1)]
        return "".join(chars)

    bases = ["2024-01-15", "2024-01-15T10:00:00", "2024-01-15T10:00:00.123+01:00", "2024-02-29 23:59:59Z", "10:00",
             "10:00:00.5Z", "1700000000", "86400", "-1.5", "1e3", "0.25", "inf", "1_000.5"]
    values = sorted({mutate(rng.choice(bases)) for _ in range(1500)})
    for label, ann, cite in [("date", date, c_date), ("datetime", datetime, c_dt), ("time", time, c_time),
                             ("float", float, c_float),
                             ("float bounded", Annotated[float, Field(ge=0, le=1, multiple_of=0.25)], c_float),
                             ("bool", bool, c_bool)]:
        case(label, ann, Q, values, cite)

    def json_value(depth=0):
        kind = rng.randrange(9 if depth < 2 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return rng.choice([True, False])
        if kind == 2:
            return rng.choice([0, 1, 2, -1, 3, 10**20, 7])
        if kind == 3:
            return rng.choice([0.0, 1.0, 0.5, -2.5, 1e300, 0.25])
        if kind in (4, 5):
            return rng.choice(["", "a", "1", "x" * 9, "2024-01-15", "yes", "red", "0.5", "B"])
        if kind in (6, 7):
            return [json_value(depth + 1) for _ in range(rng.randrange(5))]
        keys = ["nickname", "address", "city", "zip", "labels", "scores", "shade", "a", "backup"]
        return {rng.choice(keys): json_value(depth + 1) for _ in range(rng.randrange(5))}

    bodies = sorted({dump(json_value()) for _ in range(600)})
    for label, ann, cite in [
        ("list[int] 1..3", Annotated[list[int], Field(min_length=1, max_length=3)], c_list),
        ("set[str] 1..2", Annotated[set[str], Field(min_length=1, max_length=2)], c_set),
        ("dict[str, float]", dict[str, float], c_dict),
        ("list[list[bool]]", list[list[bool]], c_list),
        ("Optional list of bounded str", Optional[list[Annotated[str, Field(max_length=3)]]], c_list),
        ("IntEnum", Priority, c_enum), ("Enum", Shade, c_enum), ("Literal", Literal["a", 1], c_lit),
    ]:
        case(label, ann, B, bodies, cite)
    case("model", Profile, M, bodies, c_model)


def has_set(v):
    if isinstance(v, (set, frozenset)):
        return True
    if isinstance(v, (list, tuple)):
        return any(has_set(x) for x in v)
    if isinstance(v, dict):
        return any(has_set(x) for x in v.values())
    return False


def dump(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def main():
    assert pydantic.VERSION == "2.13.4", pydantic.VERSION
    if sys.argv[1:2] == ["random"]:
        random_cases(int(sys.argv[2]))
    schemas, rows = {}, []
    for i, (label, ann, where, inputs, cite) in enumerate(CASES):
        adapter = TypeAdapter(ann)
        schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        name = "Case%d" % i
        if isinstance(ann, type) and issubclass(ann, enum.Enum):
            # FastAPI's document has an Enum class as a component of its
            # own, referenced where it is used; a Literal is inline.
            schemas[ann.__name__] = schema
            schema = {"$ref": "#/components/schemas/" + ann.__name__}
        schemas[name] = schema
        prefix = {Q: ("query", "x"), B: ("body", "x"), M: ("body",)}[where]
        for raw in inputs:
            value = raw if where == Q else json.loads(raw)
            canon = None
            try:
                valid = adapter.validate_python(value, from_attributes=True)
                want = None
                if where != M and not has_set(valid) and not isinstance(valid, SecretStr):  # masked
                    try:
                        canon = json.loads(adapter.dump_json(valid))
                    except Exception:  # inf and nan have no JSON
                        canon = None
            except ValidationError as e:
                want = []
                for err in e.errors(include_url=False):
                    err["loc"] = list(prefix) + list(err["loc"])
                    if any(isinstance(v, decimal.Decimal) for v in err.get("ctx", {}).values()):
                        from fastapi.encoders import jsonable_encoder  # as FastAPI renders the 422
                        err = jsonable_encoder(err)
                    want.append(err)
            rows.append({
                "name": "%s, %s %s" % (label, where, dump(raw)),
                "schema": name,
                "query": raw if where == Q else None,
                "body": None if where == Q else raw,
                "loc": list(prefix),
                "want": want,
                "canon": canon,
                "cite": cite,
            })
    # One schema and one row a line: diffs of a regeneration stay readable.
    lines = ['{"pydantic": %s,' % json.dumps(pydantic.VERSION), '"schemas": {']
    names = list(schemas)
    for i, name in enumerate(names):
        lines.append(" %s: %s%s" % (json.dumps(name), dump(schemas[name]), "," if i + 1 < len(names) else ""))
    lines.append("},")
    lines.append('"rows": [')
    for i, row in enumerate(rows):
        lines.append(" " + dump(row) + ("," if i + 1 < len(rows) else ""))
    lines.append("]}")
    sys.stdout.write("\n".join(lines) + "\n")


main()
