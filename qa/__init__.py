"""Answer questions over Chinese government annual reports with the reports' own words.

    from qa import ReportIndex
    index = ReportIndex.build("corpus", "index")
    hits = index.search("田镇街道2024年调处矛盾纠纷多少件", k=5)
    reply = index.answer("田镇街道2024年调处矛盾纠纷多少件")
"""
from qa.config import IndexConfig
from qa.errors import IndexLoadError, QAError, QuestionError, ReportReadError
from qa.index import ReportIndex
from qa.model import Answer, Hit, Passage, Quote, ReadFailure, Report, ReportInfo, Section

__all__ = [
    "Answer", "Hit", "IndexConfig", "IndexLoadError", "Passage", "QAError", "Quote", "QuestionError",
    "ReadFailure", "Report", "ReportIndex", "ReportInfo", "ReportReadError", "Section",
]
