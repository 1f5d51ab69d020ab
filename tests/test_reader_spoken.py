"""The reader on everyday wording: spoken question words, a count's noun, money in plain words, a
later part asked in the first part's scene, a name ending in the noun asked, a gap closed by a verb in
the next clause, a quoted name called by its noun, a list qualifying a noun with 的, a frequency with
its count. Retrieval is simulated as in tests/test_reader.py.
"""
from __future__ import annotations

import pytest

from qa.evaluation import same_text
from tests.test_answers import answer_over

QINGSHI = """2024年,青石镇坚持以习近平法治思想为指导,以创建省级法治政府建设示范镇为抓手,推进依法行政。
(一)强化组织保障。成立法治建设工作办公室,由镇党政办牵头,综治办配合。清理后形成现行有效的规范性文件目录,并在镇人民政府门户网站公示。重新调整镇农业农村局“三定”方案。高效运作镇行政执法协调委员会,研究部署执法工作。开设镇级“法治夜校”,邀请律师为村干部授课。
(二)推进依法决策。印发《青石镇2024年法治建设工作要点》,明确6个方面28项重点任务。14个站所对96个事项推行证明事项告知承诺。组织行政执法人员业务培训3场次,参训42人次。每年支付法律顾问费用逾8万元。以每季度1次频次开展党委理论学习中心组学法。构建党委统筹、部门协同、群众参与的基层治理格局。
(三)严格考核问效。将依法行政工作纳入了目标管理考核和干部年度考核。制定《青石镇行政执法公示办法》。行政诉讼败诉率12.5%,同比下降6.3个百分点。成立矛盾纠纷化解领导小组,各站所协同配合,每半月定期召开会议。
(四)抓好学法述法。构建“书记领学、班子带学、干部自学”的三级联动学法体系。认真落实《关于印发<江湾区2024年依法行政工作要点>的通知》。215名机关干部和36名村(社区)主要负责人完成述法。
(五)依法应诉。镇党政主要负责人周立新同志履行法治建设第一责任人职责,始终把法治建设作为“一把手”工程。全年行政诉讼结案21件,败诉2件。
(六)强化执法监督。邀请人大代表随案旁听,开展卷宗抽查2次,共抽到46卷。全年行政复议决定没有出现被法院撤销情形。开展涉企检查专项整治4次,暂无发现违规收费问题。
"""
SOURCE = "2024_青石镇.txt"
TEXTS = {SOURCE: QINGSHI}
PLACES = ("青石镇",)


def ask(question: str):
    return answer_over(question, TEXTS, SOURCE, PLACES)


def ask_baisha(question: str, report: str):
    """Answer over a one-report town, 白沙镇, whose text each test below writes for itself."""
    return answer_over(question, {"2024_白沙镇.txt": report}, "2024_白沙镇.txt", ("白沙镇",))


def assert_answers(question: str, report: str, expected: str) -> None:
    """Assert that 白沙镇's report answers the question with exactly the expected direct answer."""
    answer = ask_baisha(question, report)
    assert answer.found and answer.text == expected, (question, answer.text)


@pytest.mark.parametrize("question, expected", [
    # the noun a count is of binds the figure, and a short one stays in the answer
    ("青石镇工作要点明确了几个方面、多少项重点任务？", "6个方面；28项重点任务"),
    ("青石镇有几个站所推行了告知承诺，涉及多少个事项？", "14个站所；96个事项"),
    # a later part that says little of its own is answered beside the first part's quote
    ("青石镇执法人员业务培训办了几场、多少人次参加？", "3场次；42人次"),
    # money asked in everyday words
    ("青石镇一年法律顾问费花多少钱？", "逾8万元"),
    # how often, with the count per period
    ("青石镇中心组学法多长时间搞一次？", "每季度1次"),
    # a name ending in the noun asked: the compound back to its verb, not a quoted term beside it
    ("青石镇调整了哪个局的“三定”方案？", "镇农业农村局"),
    ("青石镇研究部署执法工作靠的是哪个委员会？", "镇行政执法协调委员会"),
    # the gap between the word before the question word and the one after it
    ("青石镇是以创建什么为抓手推进依法行政的？", "省级法治政府建设示范镇"),
    # the verb after the question word closes the gap in the next clause
    ("青石镇的法治建设工作办公室是哪个部门牵头？", "镇党政办"),
    ("青石镇清理后的规范性文件目录放在哪里公示？", "镇人民政府门户网站"),
    # a quoted name called by the noun the question names it by, in the clause beside
    ("青石镇给村干部开的那个夜校叫什么名字？", "法治夜校"),
    # items qualifying a noun with 的, as the report words them
    ("青石镇基层治理格局是怎么表述的？", "党委统筹、部门协同、群众参与"),
    # items joined by 和, each ending in the noun asked
    ("青石镇把依法行政纳入了哪些考核？", "目标管理考核和干部年度考核"),
    # a title is a document: it holds the noun "什么文件" asks with
    ("青石镇为规范执法公示出台了什么文件？", "《青石镇行政执法公示办法》"),
    # a rate's change is said in points; the rate itself in %
    ("青石镇败诉率比上年降了多少？", "6.3个百分点"),
    ("青石镇行政诉讼败诉率是多少？", "12.5%"),
    # how often, said in a clause of its own beside the one naming the group
    ("青石镇矛盾纠纷化解领导小组多久开一次会？", "每半月"),
    # items qualifying a noun whose 的 stands a few characters before the question's words
    ("青石镇的学法体系是怎么概括的？", "书记领学、班子带学、干部自学"),
    ("青石镇的学法体系是怎么说的？", "书记领学、班子带学、干部自学"),
    # the year a document is of
    ("青石镇落实的是哪一年的依法行政工作要点？", "2024年"),
    # the noun counted without a unit binds its figure
    ("青石镇有多少机关干部完成了述法？", "215名机关干部"),
    # everyday words said as the reports say them: 一把手 is 主要负责人 when a person is asked, 输 is 败诉
    ("青石镇的一把手是谁？", "周立新"),
    ("青石镇去年行政诉讼输了几件官司？", "2件"),
    # an inline item's label names what its sentences do, as the clause before does
    ("青石镇强化执法监督方面抽查了多少卷？", "46卷"),
    # asked yes or no: the report's own no, alone or as a later part
    ("青石镇的复议决定有没有被法院撤销的？", "没有出现被法院撤销情形"),
    ("青石镇搞了几次涉企检查专项整治？发现违规收费问题没有？", "4次；暂无发现违规收费问题"),
])
def test_everyday_wording_gets_the_short_answer(question: str, expected: str) -> None:
    answer = ask(question)
    assert answer.found, question
    assert same_text(answer.text) == same_text(expected) or (
        same_text(expected) in same_text(answer.text) and len(answer.text) <= len(expected) + 2), (question, answer.text)


def test_items_joined_by_he_each_ending_in_the_noun_asked() -> None:
    report = "2024年,白沙镇深化“证照分离”改革,上传建筑施工许可证和食品经营许可证电子证照1200个,方便群众办事。\n"
    question = "白沙镇上传的电子证照是哪几类许可证？"
    answer = ask_baisha(question, report)
    assert answer.found and answer.text == "建筑施工许可证和食品经营许可证", answer.text


@pytest.mark.parametrize("question, expected", [
    # when in the year, said without a date
    ("白沙镇每年什么时候开专题会部署法治工作？", "每年年初"),
    ("白沙镇在什么时候组织宪法宣誓？", "国家宪法日来临之际"),
    # two name questions joined by 和, each answered
    ("白沙镇紧扣的是省委哪个部署和市委哪个安排？", "“1310”具体部署；“138”工作安排"),
])
def test_times_of_year_and_two_names_joined_by_he(question: str, expected: str) -> None:
    report = ("2024年,白沙镇每年年初召开一次专题会议部署全年法治工作。组织机关干部在国家宪法日来临之际开展宪法宣誓活动。"
              "紧扣省委“1310”具体部署和市委“138”工作安排,推进依法行政。\n")
    answer = ask_baisha(question, report)
    assert answer.found and answer.text == expected, answer.text


def test_a_numbered_slogan_is_the_run_of_items_that_each_hold_its_word() -> None:
    report = ("2024年,白沙镇党政主要负责同志认真履行法治建设第一责任人职责,在镇党委会上专题听取法治工作汇报,"
              "对重点工作亲自部署、重大问题亲自过问、重点环节亲自协调、重要任务亲自督办。\n")
    question = "白沙镇主要负责人落实的“四个亲自”是哪几个？"
    answer = ask_baisha(question, report)
    assert answer.found and answer.text == "重点工作亲自部署、重大问题亲自过问、重点环节亲自协调、重要任务亲自督办", answer.text
    other = ask_baisha("白沙镇落实的“三个亲自”是哪几个？", report)
    assert other.text is None or "重要任务亲自督办" not in other.text  # three of the four are not a slogan of three


def test_a_year_asked_of_an_event_is_the_clause_before_it() -> None:
    report = "2024年,白沙镇坚持依法行政。2023年,白沙中心小学被认定为首批“省依法治校示范校”。\n"
    question = "白沙中心小学是哪一年被认定为依法治校示范校的？"
    answer = ask_baisha(question, report)
    assert answer.found and answer.text == "2023年", answer.text


@pytest.mark.parametrize("question, expected", [
    # what a body 获评 is an honour; what it 依托 a platform; a title a document
    ("白沙镇2024年拿到了什么市级法治荣誉？", "江湾市法治建设示范乡镇"),
    ("白沙镇放管服依托的是什么平台？", "镇便民服务中心"),
    ("白沙镇为规范合同管理出台了什么文件？", "《白沙镇合同管理办法》"),
])
def test_a_clause_shows_the_kind_of_thing_asked_without_naming_it(question: str, expected: str) -> None:
    report = ("2024年,白沙镇坚持依法行政,白沙镇获评为江湾市法治建设示范乡镇。深化“放管服”改革,依托镇便民服务中心推行一窗通办。"
              "制定印发《白沙镇合同管理办法》,规范合同审查。\n")
    answer = ask_baisha(question, report)
    assert answer.found and answer.text == expected, answer.text


@pytest.mark.parametrize("question, expected", [
    # a day named by its date in quotes: the date written right before the day asked about
    ("白沙镇借国际禁毒日普法，禁毒日是几号？", "6·26"),
    ("白沙镇那天在消费者权益日搞的宣传，那个日子是几号？", "3·15"),
    ("白沙镇国家宪法日是哪天？", "12.4"),
])
def test_a_day_named_by_its_quoted_date(question: str, expected: str) -> None:
    report = ("2024年,白沙镇利用“3·15”消费者权益日、“6·26”国际禁毒日开展普法宣传,发放资料1200份。"
              "以“12.4”国家宪法日为契机,组织宪法宣誓活动。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # items of one enumeration share their form: the words before the first title are no item
    ("白沙镇夜学时学了哪几部法律法规？", "《安全生产法》、《信访条例》"),
    # an item ending in the noun asked holds the question's words as its kind
    ("白沙镇执行哪几项干部学法制度？", "党委中心组学法、常务会议学法、干部任前法律知识考试制度"),
    # 些什么 asks for items, as 哪些 does
    ("白沙镇专题会议都研究了些什么问题？", "配齐执法力量、组织执法资格考试、调整执法人员编制"),
])
def test_list_items_in_their_shared_form(question: str, expected: str) -> None:
    report = ("2024年,白沙镇利用周三夜学时机,两次组织班子成员、相关干部学习《安全生产法》、《信访条例》。"
              "严格执行党委中心组学法、常务会议学法、干部任前法律知识考试制度。"
              "召开专题会议1次,会议研究配齐执法力量、组织执法资格考试、调整执法人员编制等问题。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # the noun counted picks its figure even where another figure's label is the question's words
    ("白沙镇编制公布了多少个行政许可事项，含多少个子项？", "21个行政许可事项；47个子项"),
    # a preposition the reports do not write says how, it does not count against a clause; 案子 is 案件
    ("白沙镇通过网格+监督跟进处理了多少件案子？", "50余件"),
])
def test_counted_nouns_and_words_that_say_how(question: str, expected: str) -> None:
    report = ("2024年,白沙镇编制公布应急管理系统21个行政许可事项(47个子项)实施规范及办事指南。"
              "推行“网格+监督”模式,联动民情热线及信访平台,及时跟进处理案件50余件,群众满意度高。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # dates joined by 和 are asked together
    ("白沙镇领导小组一年里什么时候开会分析第一责任人履职？", "年初和年中"),
    ("白沙镇执法资格考试通过率在哪两年达到100%？", "2023年和2024年"),
])
def test_dates_joined_are_answered_together(question: str, expected: str) -> None:
    report = ("2024年,白沙镇年初和年中领导小组分别召开会议分析法治建设第一责任人履职情况。"
              "2023年和2024年连续两年,白沙镇执法资格考试通过率达到100%。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # the verb that names the holder is no part of who holds the role; 挂帅 is said 牵头
    ("白沙镇法治政府建设领导小组谁挂帅当组长？", "党委书记"),
    ("白沙镇依法治镇委员会是谁挂帅当主任的", "镇党委书记、镇长"),
])
def test_who_holds_a_role_without_the_verb_that_names_them(question: str, expected: str) -> None:
    report = ("2024年,白沙镇成立镇法治政府建设工作领导小组,明确党委书记为组长,镇长为常务副组长。"
              "成立了以镇党委书记、镇长任双主任的依法治镇委员会,明确职责分工。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # a unit after 什么 is the noun asked (什么组), and 专门 is a filler
    ("白沙镇综治委员会底下设了个什么组专门管法治政府建设？", "法治建设专项工作组"),
    # a three-character name the tokenizer cuts after two characters
    ("白沙镇党委中心组请谁来做的习近平法治思想专题辅导", "丁祖年"),
])
def test_the_noun_after_shenme_and_a_name_cut_short(question: str, expected: str) -> None:
    report = ("2024年,白沙镇综治委员会下设法治建设专项工作组,专门负责协调推进法治政府建设事项。"
              "党委中心组邀请省政府特约研究员丁祖年作《习近平法治思想》专题辅导。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # a weekday answers 周几 where no 每… is written
    ("白沙镇的夜学安排在周几？", "周二"),
    # the figure written right before the noun whose count is asked
    ("白沙镇2024年完成述法的领导干部有多少名？", "612名领导干部"),
    ("白沙镇2024年完成述法的领导干部有多少名", "612名领导干部"),  # jieba cuts 领导|干部 here: joined as written
    ("白沙镇2024年完成述法的村(社区)主要负责人有多少名？", "174名"),
])
def test_weekdays_and_the_noun_whose_count_is_asked(question: str, expected: str) -> None:
    report = ("2024年,白沙镇利用周二“夜学”、专题会议等形式开展法治宣讲。"
              "612名领导干部和174名村(社区)主要负责人完成述法。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # a quoted name followed by the noun the question calls it by, which the tokenizer cuts (公众+号)
    ("白沙镇发布用的公众号叫什么？", "“白沙发布”微信公众号"),
    # 全名 asks the whole name, as 全称 does
    ("白沙镇这份责任清单全名叫什么", "《2024年法治政府建设责任清单》"),
])
def test_names_called_by_a_cut_noun_and_whole_names(question: str, expected: str) -> None:
    report = ("2024年,白沙镇在“白沙发布”微信公众号上推出“学习贯彻全会精神”专栏。"
              "制定《2024年法治政府建设责任清单》,压实责任。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # the kind the items are asked as is the asker's word: the report only lists them
    ("白沙镇推动完善的多元化解综合机制包含哪几种渠道？", "信访、调解、行政复议、诉讼"),
    # the noun after a describing phrase that opens with 和 is what is asked
    ("白沙镇学了哪几部和基层工作紧密相关的法律法规？", "《民法典》《信访工作条例》"),
])
def test_the_kind_of_items_asked(question: str, expected: str) -> None:
    report = ("2024年,白沙镇推动完善信访、调解、行政复议、诉讼等社会矛盾纠纷多元预防调处化解综合机制。"
              "通过专题培训等方式,深入学习《民法典》《信访工作条例》等与基层工作紧密相关的法律法规。\n")
    assert_answers(question, report, expected)


def test_the_occasion_used_answers_when_and_stands_in_the_clause_before() -> None:
    report = "2024年,白沙镇利用周三夜学时机,两次组织班子成员、相关干部学习《安全生产法》、《信访条例》。\n"
    answer = ask_baisha("白沙镇是利用什么时间组织干部学安全生产法的？", report)
    assert answer.found and answer.text == "周三夜学", answer.text


def test_a_quoted_name_called_by_the_noun_asked_said_short() -> None:
    # Rarity weighs the words, so the report says 法治 as often as reports do.
    report = ("2024年,白沙镇坚持以法治思想为指导,推进法治政府建设。加强法治宣传,举办法治讲座6场。"
              "修订《白沙镇法治政府建设目标责任考核办法》,将法治建设纳入干部评价体系,实行“一票否优”制。\n")
    answer = ask_baisha("白沙镇法治考核实行的是什么制度？", report)
    assert answer.found and answer.text == "“一票否优”", answer.text
    assert ask_baisha("白沙镇修订了什么考核文件？", report).text == "《白沙镇法治政府建设目标责任考核办法》"


def test_a_count_of_none_is_the_reports_own_no() -> None:
    report = "2024年,白沙镇坚持依法行政。2024年白沙镇未发生行政复议、行政应诉败诉案件。全年调解纠纷12件。\n"
    answer = ask_baisha("白沙镇2024年行政复议和应诉败诉的案子有多少？", report)
    assert answer.found and answer.text == "未发生", answer.text
    assert not ask_baisha("白沙镇2024年行政处罚了多少件？", report).found


def test_a_how_question_naming_an_item_is_answered_by_the_items_sentences() -> None:
    report = ("2024年,白沙镇推进法治政府建设。\n（一）压实法治责任。严格落实法治建设第一责任人职责,定期召开会议研究部署法治建设工作。"
              "将法治建设工作纳入年度目标考核体系,明确各站所法治建设任务。\n（二）强化学法用法。组织专题培训3场。\n")
    answer = ask_baisha("白沙镇是怎么压实法治责任的？", report)
    quoted = "".join(q.text for q in answer.quotes)
    assert answer.found and "定期召开会议研究部署法治建设工作" in quoted and "纳入年度目标考核体系" in quoted, quoted
    assert "专题培训" not in quoted  # the next item is another answer's


@pytest.mark.parametrize("question, expected", [
    # the members between 由 and 组成, whatever order the question says its words in
    ("白沙镇的法务工作组是由哪些人组成的", "司法所工作人员和法律顾问"),
    # 号 of 第几号令 is the ordinal's own; 令 follows it
    ("白沙镇赋权用的是市政府第几号令？", "第232号令"),
])
def test_members_between_you_and_zucheng_and_an_ordinals_noun(question: str, expected: str) -> None:
    report = ("2024年,白沙镇在征迁等工作中均设立由司法所工作人员和法律顾问组成的法务工作组,全程参与。"
              "完成市政府第232号令赋权工作。\n")
    assert_answers(question, report, expected)


def test_a_quoted_list_ends_at_its_closing_quote() -> None:
    report = "2024年,白沙镇引领各级领导自觉把“程序意识、法治意识、规则意识”贯穿到推动发展、维护稳定的全过程。\n"
    answer = ask_baisha("白沙镇要求各级领导把哪三种意识贯穿到发展稳定全过程？", report)
    assert answer.found and answer.text == "程序意识、法治意识、规则意识", answer.text


@pytest.mark.parametrize("question, expected", [
    # items of one length: the longer item before them holds another list's last item
    ("白沙镇两法衔接里贯彻的是哪几项机制", "集中受理、信息通报、提前介入"),
    # not inside a bracket, where a list is an item's own
    ("白沙镇的法治宣讲队由哪些人组成？", "司法所干部、法律顾问、业务骨干(含农服、平安、村环)"),
])
def test_items_of_one_length_and_lists_inside_an_item(question: str, expected: str) -> None:
    report = ("2024年,白沙镇贯彻执行与行政执法机关、检察机关集中受理、信息通报、提前介入机制。"
              "组建由司法所干部、法律顾问、业务骨干(含农服、平安、村环)组成的法治宣讲队。\n")
    assert_answers(question, report, expected)


def test_a_one_character_noun_asked_ends_a_word() -> None:
    report = ("2024年,白沙镇成立综合治理委员会,镇长任组长,分管副书记任副组长,有关部门负责人为成员的综合治理委员会,"
              "委员会下设法治建设专项工作组,专门负责协调推进法治政府建设事项。\n")
    answer = ask_baisha("白沙镇综合治理委员会下面设了什么组？", report)
    assert answer.found and answer.text == "法治建设专项工作组", answer.text


@pytest.mark.parametrize("question, expected", [
    # the noun counted stays with its figure when the question names it, before the unit or after it
    ("白沙镇实现网上办理的证明有几项？", "9项证明"),
    ("白沙镇的服务终端放到了几个村委会？", "八个村委会"),
    # "3大类" is counted in 大类, not in 大
    ("白沙镇把执法事项分成了几大类？", "4大类"),
    # a figure in a Latin name ("PM2.5") is none: the figure asked is the concentration
    ("白沙镇PM2.5年均浓度是多少？", "27微克/立方米"),
])
def test_a_figure_keeps_the_noun_it_counts_and_units_are_read_whole(question: str, expected: str) -> None:
    report = ("2024年,白沙镇推动9项证明和15项申请材料网上办理。便民服务终端进驻八个村委会。"
              "将执法事项梳理为4大类、120项。辖区PM2.5年均浓度为27微克/立方米,同比下降3.2%。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # a list's last item keeps the character its word ends in (参与), and what the other items end in
    ("白沙镇的工作格局由哪几方面构成？", "党委领导、政府负责、社会协同、公众参与"),
    ("白沙镇整合了哪几类调解力量？", "人民调解、行政调解、行业调解"),
])
def test_a_lists_last_item_is_not_cut_inside_a_word(question: str, expected: str) -> None:
    report = ("2024年,白沙镇构建“党委领导、政府负责、社会协同、公众参与”的工作格局。"
              "依托矛盾调处中心,整合人民调解、行政调解、行业调解力量,化解纠纷120件。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # "那本" points at the book, it is no word a clause must hold
    ("白沙镇编印的那本普法读本叫什么？", "《白沙镇村民法律知识读本》"),
    # jieba's 里排 is the locative of 考核 and the verb 排
    ("白沙镇在全区法治考核里排第几？", "全区第二"),
])
def test_pointing_words_and_a_locative_glued_to_a_verb_say_nothing_of_the_topic(question: str, expected: str) -> None:
    report = ("2024年,白沙镇编印《白沙镇村民法律知识读本》2000册。在全区法治建设考核中位列全区第二。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # "…文件叫什么" names its kind before the question word: a title is a document
    ("白沙镇出台的执法监督文件叫什么？", "《白沙镇行政执法监督办法》"),
    # of several titles, the one holding the question's words
    ("白沙镇制定的合同审查制度文件叫啥？", "《白沙镇合同合法性审查规定》"),
])
def test_a_document_asked_by_its_kind_is_the_title_holding_the_questions_words(question: str, expected: str) -> None:
    report = ("2024年,白沙镇出台《白沙镇行政执法监督办法》。"
              "制定了《白沙镇重大事项集体决策规则》《白沙镇合同合法性审查规定》《白沙镇普法责任清单》等制度。\n")
    assert_answers(question, report, expected)


def test_whom_the_report_is_sent_to_is_its_salutation_line() -> None:
    report = ("白沙镇2024年法治政府建设年度报告\n中共青山县委员会,青山县人民政府:\n"
              "2024年,白沙镇在县委、县政府的领导下推进法治政府建设,现将有关情况报告如下。\n")
    answer = ask_baisha("白沙镇这份报告是报送给哪两家的？", report)
    assert answer.found and answer.text == "中共青山县委员会,青山县人民政府", answer.text
    assert answer.quotes[0].text == "中共青山县委员会,青山县人民政府:"


@pytest.mark.parametrize("question, expected", [
    # two counts asked with no break between them: the second starts at its verb
    ("白沙镇是从多少个站所下放了多少项事项？", "12个站所；86项事项"),
    # a later part's change is of the rate the first part named: in points
    ("白沙镇群众满意率是多少，比上年提高了多少？", "97.5%；1.2个百分点"),
])
def test_two_counts_without_a_break_and_a_rates_change_asked_later(question: str, expected: str) -> None:
    report = "2024年,白沙镇将12个站所的86项事项下放至村(社区)。群众满意率为97.5%,同比提升1.2个百分点。\n"
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # a clause enumerating things closed by 等 and a means answers a question after another means
    ("白沙镇通过哪些渠道发布行政信息？", "镇政府网站、微信公众号、公开栏"),
    # or closed by the very kind asked, whatever verb the question uses for it
    ("白沙镇的村规民约示范文本聚焦了哪些重点领域？", "农村建房、殡葬管理、河道保护"),
])
def test_an_enumeration_closed_by_the_kind_asked_answers_a_list_question(question: str, expected: str) -> None:
    report = ("2024年,白沙镇通过镇政府网站、微信公众号、公开栏等多种方式及时发布行政信息。"
              "围绕农村建房、殡葬管理、河道保护等重点领域,制定村规民约示范文本。\n")
    assert_answers(question, report, expected)


def test_which_numbered_document_and_a_locative_glued_to_a_verb() -> None:
    report = "2024年,白沙镇落实《青山县法治政府建设实施方案》(青发〔2023〕12号)。印发工作方案,列出32项任务清单。\n"
    assert ask_baisha("白沙镇落实的那个实施方案是几号文？", report).text == "青发〔2023〕12号"
    assert ask_baisha("白沙镇工作方案里列了多少项任务？", report).text == "32项任务"


def test_a_count_of_some_of_them_needs_the_words_that_say_which() -> None:
    report = "2024年,白沙镇审查合同文书43份,提出法律意见27条。\n"
    assert ask_baisha("白沙镇审查的合同文书有多少份？", report).text == "43份"
    assert not ask_baisha("白沙镇审查的合同文书里有多少份被退回修改？", report).found


@pytest.mark.parametrize("question, expected", [
    # a short kind the report spells out (律所 for 律师事务所), a bracket inside the name, the verb before it
    ("白沙镇的法律顾问是哪家律所？", "青山明理(东城)律师事务所"),
    ("白沙镇调解工作请的是哪家律所？", "江南正和律师事务所"),
])
def test_a_short_kind_is_read_as_the_report_spells_it(question: str, expected: str) -> None:
    report = ("2024年,白沙镇聘请青山明理(东城)律师事务所律师担任法律顾问。"
              "调解工作专门聘请江南正和律师事务所律师参与。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # a quoted name keeps the noun asked when a few characters or the question's words stand between
    ("白沙镇走访的是哪个产业园？", "“青梅谷”创新产业园"),
    ("白沙镇构建的营商环境工作体系叫什么？", "“1+3+5”全方位优化营商环境工作体系"),
    # but not the kind after 等: it names the things listed, not this one
    ("白沙镇干部学法用的是什么平台？", "“青山干部网络学院”"),
    # a document is named by its title, in whichever clause of the sentence the title stands
    ("白沙镇给村民编了本什么普及读物？", "《村民身边的法律问答》"),
])
def test_names_with_their_noun_and_a_documents_title_beside_it(question: str, expected: str) -> None:
    report = ("2024年,白沙镇深入走访“青梅谷”创新产业园企业,开展法律体检。"
              "构建“1+3+5”全方位优化营商环境工作体系。依托“青山干部网络学院”等平台组织干部学法。"
              "编写印发《村民身边的法律问答》,为广大村民学法用法提供普及读物。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # a clause saying when ("…时") answers 什么时候 for the clause after it
    ("白沙镇什么时候搞宪法宣誓？", "人大选举产生新任副镇长时"),
    # of two years, the one written before the thing asked; 谈 is no topic word
    ("白沙镇的报告里还谈了哪一年的工作打算？", "2025年度"),
])
def test_a_clause_saying_when_and_the_year_written_before_the_thing_asked(question: str, expected: str) -> None:
    report = ("现将白沙镇2024年法治建设工作情况及2025年度工作打算报告如下。"
              "人大选举产生新任副镇长时,组织宪法宣誓仪式。\n")
    assert_answers(question, report, expected)


def test_sentences_alone_answer_what_was_done_but_no_name_or_list() -> None:
    report = ("2024年,白沙镇在方便群众申请行政复议上推行“复议网上办”,群众可在线提交申请。"
              "镇党委书记带头宣讲法治,先后走进村居开展宣讲活动12场次。\n")
    done = ask_baisha("白沙镇在方便群众申请行政复议上有什么新做法？", report)
    assert done.found and "复议网上办" in done.quotes[0].text
    # a list the sentence does not give item by item is not answered by the sentence
    assert not ask_baisha("白沙镇书记宣讲时主要讲了哪几部法？", report).found


@pytest.mark.parametrize("question, expected", [
    # where: the place between 在 and the verb, whatever other words the clause holds
    ("白沙镇禁毒普法在哪儿搞的？", "青龙湖湿地公园"),
    # a name inside a title is the whole title
    ("白沙镇编印的法治大事记叫啥？", "《白沙镇七十年法治大事记》"),
    # an ordinal keeps the session before it
    ("白沙镇是在第几次党委会上审议法治报告的？", "十五届第3次党委会"),
])
def test_a_place_after_zai_a_whole_title_and_an_ordinals_session(question: str, expected: str) -> None:
    report = ("2024年,白沙镇在青龙湖湿地公园开展禁毒普法宣传。编印《白沙镇七十年法治大事记》。"
              "镇十五届第3次党委会审议法治政府建设年度报告。\n")
    assert_answers(question, report, expected)


def test_where_a_thing_is_set_is_the_place_before_its_locative() -> None:
    report = "2024年,白沙镇法治工作办公室设置在党政综合办内,由分管副书记任主任。\n"
    assert ask_baisha("白沙镇法治工作办公室设在哪个科室里？", report).text == "党政综合办"


def test_a_light_verb_the_report_writes_otherwise_and_an_adverb_before_the_list() -> None:
    report = "2024年,白沙镇充分利用“3·15”消费者权益日、“12·4”国家宪法日等节点开展普法宣传。\n"
    answer = ask_baisha("白沙镇借哪几个法治宣传日开展普法？", report)
    assert answer.found and answer.text == "“3·15”消费者权益日、“12·4”国家宪法日", answer.text


def test_who_carries_out_a_role_is_the_subject_of_the_clause() -> None:
    report = "2024年,镇党委书记、镇长韩立平认真履行推进法治建设第一责任人职责,多次主持召开专题会议。\n"
    answer = ask_baisha("白沙镇法治建设第一责任人是谁？", report)
    assert answer.found and answer.text == "镇党委书记、镇长韩立平", answer.text


def test_the_year_a_report_is_of_is_read_from_its_opening() -> None:
    report = ("白沙镇2024年度法治政府建设工作报告\n2024年,白沙镇深入推进法治建设。"
              "2025年,白沙镇将持续深化依法行政。\n")
    answer = ask_baisha("白沙镇这份报告总结的是哪一年度的工作？", report)
    assert answer.found and answer.text == "2024年度", answer.text


def test_yigong_is_cut_off_before_the_tokenizer_and_a_count_asked_is_no_topic_word() -> None:
    from qa.reader.words import content_words
    assert content_words("报告里一共用了几项措施推进法治建设") == ["措施", "推进", "法治", "建设"]
    report = "白沙镇2024年度法治政府建设工作报告\n一、六项措施推进法治政府建设\n"
    assert ask_baisha("白沙镇报告里一共用了几项措施推进法治政府建设？", report).text == "六项"


def test_a_rank_among_the_first_answers_where_it_stands() -> None:
    report = "2024年,白沙镇公共法律服务中心各季度考评均位列全区前五。\n"
    answer = ask_baisha("白沙镇公共法律服务中心各季度考评在全区大概什么位置？", report)
    assert answer.found and answer.text == "全区前五", answer.text


@pytest.mark.parametrize("question, expected", [
    # 把A作为B: what is taken, or what it is taken as, whichever verb the question uses
    ("白沙镇党委把什么当成首要政治任务？", "学习贯彻习近平法治思想"),
    ("白沙镇把普法宣传摆在什么位置？", "一项基础性工作"),
    # how long, not how often: a figure
    ("白沙镇读书班办了多长时间？", "5.5天"),
    # a quoted name keeps its quotes
    ("白沙镇为补农村服务短板组建了什么队伍？", "“田间法律服务队”"),
])
def test_a_ba_frame_a_duration_and_a_quoted_names_quotes(question: str, expected: str) -> None:
    report = ("2024年,白沙镇党委坚持把学习贯彻习近平法治思想作为首要政治任务。"
              "镇政府将普法宣传作为一项基础性工作。举办读书班5.5天。"
              "组建“田间法律服务队”,弥补农村服务短板。\n")
    assert_answers(question, report, expected)


@pytest.mark.parametrize("question, expected", [
    # "两个…是啥" asks the items of a count the question gives
    ("白沙镇上一年度查出来的两个突出问题是啥？", "“调解力量不足”“普法覆盖不均”"),
    # who leads, guides or supports: the body in "在X的…指导下" whose verb the question says
    ("白沙镇法治工作是在哪个委员会支持下推进的？", "县依法治县委员会"),
])
def test_a_counted_list_and_who_guides_in_the_reports_own_frame(question: str, expected: str) -> None:
    report = ("2024年,白沙镇在县委、县政府正确领导和县依法治县委员会支持下推进法治建设。"
              "针对上一年度梳理的“调解力量不足”“普法覆盖不均”两大突出问题,制定整改方案。\n")
    assert_answers(question, report, expected)


def test_means_asked_with_shenme_are_the_items_a_clause_lists_by_that_kind() -> None:
    report = "2024年,白沙镇通过专题党课、集中学习等形式传达全会精神。依托“白沙普法”等平台开展学习宣传。\n"
    assert ask_baisha("白沙镇传达全会精神用了啥形式？", report).text == "专题党课、集中学习"
    assert ask_baisha("白沙镇依托哪个平台开展学习宣传？", report).text == "“白沙普法”"  # one thing: not a list
