"""locate_header on the shapes offices give a table: where the header is, what is not a
column of the table, what is below the data."""

from __future__ import annotations

import io

from openpyxl import Workbook

from core.tables import column_letter, locate_header, read_table
from tests.importing_files.office_files import canonical_of

CANONICAL = canonical_of()


def csv_table(*lines: str):
    return read_table(("\r\n".join(lines) + "\r\n").encode("utf-8"), "t.csv")


def test_a_header_in_row_1_is_kept_as_it_is():
    dataset = csv_table("姓名,性别", "张三,男")
    found = locate_header(dataset, CANONICAL)
    assert (found.found, found.header_excel_row) == (True, 1)
    assert (dataset.headers, dataset.excel_rows) == (["姓名", "性别"], [2])


def test_blank_rows_above_everything_do_not_count():
    dataset = csv_table(",,", ",,", "姓名,性别,联系电话", "张三,男,13800138000")
    assert (dataset.header_excel_row, dataset.excel_rows) == (3, [4])
    workbook = Workbook()
    workbook.active["B4"] = "姓名"
    workbook.active["C4"] = "性别"
    workbook.active["B5"] = "张三"
    buffer = io.BytesIO()
    workbook.save(buffer)
    dataset = read_table(buffer.getvalue(), "t.xlsx")
    assert (dataset.header_excel_row, dataset.excel_rows) == (4, [5])
    assert dataset.headers == ["", "姓名", "性别"]


def test_a_title_or_a_note_is_not_a_header():
    # One known name is not enough, nor are known names among more unknown texts.
    dataset = csv_table(
        "姓名登记表,,,",
        "姓名,说明一,说明二,说明三",
        "序号,姓名,性别,出生日期",
        "1,张三,男,1980-05-17",
    )
    found = locate_header(dataset, CANONICAL)
    assert found.header_excel_row == 3
    assert dataset.excel_rows == [4]


def test_without_a_header_the_dataset_is_left_as_it_was():
    dataset = csv_table("甲,乙", "1,2", "3,4")
    found = locate_header(dataset, CANONICAL)
    assert not found.found
    assert found.header_excel_row == 1
    assert (dataset.headers, dataset.excel_rows, len(dataset)) == (["甲", "乙"], [2, 3], 2)


def test_the_header_is_looked_for_in_the_first_rows_only():
    dataset = csv_table("标题", *[f"说明{i}" for i in range(5)], "姓名,性别", "张三,男")
    # Row 7 is the sixth after the provisional header (row 1).
    assert not locate_header(dataset, CANONICAL, search_rows=5).found
    assert locate_header(dataset, CANONICAL, search_rows=6).header_excel_row == 7


def test_the_same_column_twice_is_reported_once():
    dataset = csv_table("姓名,入党日期,入党时间,入党日期", "张三,2005-07-01,2005-07-01,")
    found = locate_header(dataset, CANONICAL)
    assert found.duplicates == ("入党日期",)
    assert dataset.headers == ["姓名", "入党日期", "入党日期", "入党日期"]


def test_data_under_a_blank_header_names_its_row_and_column():
    header = ["姓名", "性别"] + [""] * 15  # column Q is the 17th
    rows = [header, ["张三", "男"], ["李四", "女"], ["", ""], ["王五", "男"], ["赵六", "女"]]
    rows.append(["钱七", "男"] + [""] * 14 + ["多出来的"])  # row 7
    rows.append(["合计", ""] + [""] * 14 + ["5"])  # a footer's total is no data
    dataset = csv_table(*[",".join(r) for r in rows])
    found = locate_header(dataset, CANONICAL)
    assert found.errors == ("第7行 第Q列有数据，但该列没有表头。请删除该列或补上表头。",)
    assert found.footer_rows == (8,)
    assert dataset.headers == ["姓名", "性别"]  # the blank-header columns are gone


def test_data_right_of_the_header_is_read_not_refused():
    dataset = csv_table("姓名,性别", "张三,男,,备注文字")
    assert dataset.headers == ["姓名", "性别", "", ""]
    assert dataset[0] == ("张三", "男", None, "备注文字")
    assert locate_header(dataset, CANONICAL).errors == (
        "第2行 第D列有数据，但该列没有表头。请删除该列或补上表头。",
    )


def test_footer_rows_are_dropped_only_below_the_last_data_row():
    dataset = csv_table(
        "序号,姓名,性别",
        "1,张三,男",
        "小计,1人,",  # row 3: data follows, so it stays
        "2,李四,女",
        ",,",
        " 合 计 ,2人,",
        "注：本表截至6月底。,,",
        ",,",
        "说明,另附名单,",
        "注:无,,",
    )
    found = locate_header(dataset, CANONICAL)
    assert found.footer_rows == (6, 7, 9, 10)
    # The 小计 row in the middle is kept with its row number: the import then refuses it
    # as a member without a valid name or gender, saying "第3行".
    assert dataset.excel_rows == [2, 3, 4]
    assert dataset[1] == ("1人", None)


def test_footer_words_start_the_row_not_just_appear_in_it():
    dataset = csv_table("姓名,性别", "张三,男", "李合计,男")
    found = locate_header(dataset, CANONICAL)
    assert found.footer_rows == ()
    assert dataset.excel_rows == [2, 3]


def test_column_letters():
    assert [column_letter(i) for i in (0, 16, 25, 26, 63, 701, 702)] == [
        "A", "Q", "Z", "AA", "BL", "ZZ", "AAA",
    ]  # fmt: skip
