"""The downloadable roster template."""
import io

from openpyxl import Workbook


def roster_template_xlsx() -> bytes:
    """An xlsx with the roster header and two example rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员名单"
    sheet.append(["警号", "姓名", "部门", "角色", "密码", "政治面貌", "标签"])
    sheet.append(["010001", "张伟", "市公安局/治安大队", "民警", "", "中共党员", "党务工作者"])
    sheet.append(["010002", "李娜", "市公安局/城关派出所", "组织者", "", "入党积极分子", ""])
    for column, width in zip("ABCDEFG", (12, 10, 28, 10, 14, 14, 20)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
