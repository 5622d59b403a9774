"""Fixed vocabularies of the member table (DATA_DICTIONARY.md, members)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    JUNIOR_COLLEGE = "junior_college", _("大学专科")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等专科")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_OR_BELOW = "junior_or_below", _("初中及以下")


class Category(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class Job(models.TextChoices):
    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农牧渔民")
    MANAGER = "manager", _("企事业单位管理人员")
    PROFESSIONAL = "professional", _("专业技术人员")
    CIVIL_SERVANT = "civil_servant", _("党政机关工作人员")
    STUDENT = "student", _("学生")
    RETIRED = "retired", _("离退休人员")
    OTHER = "other", _("其他职业人员")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    SUSPENDED = "suspended", _("停止党籍")
    EXPELLED = "expelled", _("出党")
    DECEASED = "deceased", _("去世")
    TRANSFERRED_OUT = "transferred_out", _("已转出")


class AgeBand(models.TextChoices):
    """The bands every report uses: <30, 30–39, 40–49, 50–59, ≥60."""

    UNDER_30 = "lt30", _("30岁以下")
    FROM_30 = "30-39", _("30–39岁")
    FROM_40 = "40-49", _("40–49岁")
    FROM_50 = "50-59", _("50–59岁")
    FROM_60 = "ge60", _("60岁及以上")


# (lowest age, highest age or None) of each band
AGE_BAND_BOUNDS: dict[str, tuple[int, int | None]] = {
    AgeBand.UNDER_30: (0, 29),
    AgeBand.FROM_30: (30, 39),
    AgeBand.FROM_40: (40, 49),
    AgeBand.FROM_50: (50, 59),
    AgeBand.FROM_60: (60, None),
}

# The 56 ethnic groups with their GB/T 3304 codes, which are what the database stores.
ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("01", "汉族"), ("02", "蒙古族"), ("03", "回族"), ("04", "藏族"), ("05", "维吾尔族"),
    ("06", "苗族"), ("07", "彝族"), ("08", "壮族"), ("09", "布依族"), ("10", "朝鲜族"),
    ("11", "满族"), ("12", "侗族"), ("13", "瑶族"), ("14", "白族"), ("15", "土家族"),
    ("16", "哈尼族"), ("17", "哈萨克族"), ("18", "傣族"), ("19", "黎族"), ("20", "傈僳族"),
    ("21", "佤族"), ("22", "畲族"), ("23", "高山族"), ("24", "拉祜族"), ("25", "水族"),
    ("26", "东乡族"), ("27", "纳西族"), ("28", "景颇族"), ("29", "柯尔克孜族"), ("30", "土族"),
    ("31", "达斡尔族"), ("32", "仫佬族"), ("33", "羌族"), ("34", "布朗族"), ("35", "撒拉族"),
    ("36", "毛南族"), ("37", "仡佬族"), ("38", "锡伯族"), ("39", "阿昌族"), ("40", "普米族"),
    ("41", "塔吉克族"), ("42", "怒族"), ("43", "乌孜别克族"), ("44", "俄罗斯族"),
    ("45", "鄂温克族"), ("46", "德昂族"), ("47", "保安族"), ("48", "裕固族"), ("49", "京族"),
    ("50", "塔塔尔族"), ("51", "独龙族"), ("52", "鄂伦春族"), ("53", "赫哲族"),
    ("54", "门巴族"), ("55", "珞巴族"), ("56", "基诺族"),
)  # fmt: skip
