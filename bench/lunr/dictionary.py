"""Chinese segmentation for search: the jieba user dictionary, and the tails of long words."""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from backrefs import bre

from generator.markdown_safe import clean
from xietiao.units import all_units, town_names

# Terms of the coordination work that jieba's default dictionary splits, so that they
# are indexed whole; their parts (预算 in 财政预算) are found through Segmenter.subwords.
DOMAIN_WORDS = (
    "财政预算",
    "财政资金",
    "自然资源",
    "用地预审",
    "用地报批",
    "建设用地",
    "土地指标",
    "土地征收",
    "土地出让",
    "耕地占补平衡",
    "林地审批",
    "规划许可",
    "规划调整",
    "规划条件",
    "施工许可",
    "施工图审查",
    "初步设计",
    "可研批复",
    "立项批复",
    "环评审批",
    "能评审查",
    "稳评",
    "水土保持",
    "征地拆迁",
    "政策处理",
    "房屋征收",
    "管线迁改",
    "电力迁改",
    "交通导改",
    "要素保障",
    "专项债券",
    "专项债",
    "招投标",
    "竣工验收",
    "联合验收",
    "投产运营",
    "前期工作",
    "议定事项",
    "协调例会",
    "会议纪要",
    "销号",
    "挂号",
    "三色图",
    "严重滞后",
    "责任单位",
    "牵头单位",
    "配合单位",
    "上会材料",
    "重大项目",
    "项目业主",
    "投资专班",
    "集中审批",
    "集中攻关",
    "督办函",
    "市级协调",
    "计划节点",
    "镇街",
    "国有集团",
    "建设中心",
    "审批服务",
    "并联审批",
    "容缺受理",
    "代建",
    "资金拨付",
    "资金平衡",
)
USER_FREQ = 3000  # high enough that a listed word stays whole inside a sentence
MAX_WORD = 40  # longer runs are sentences, not names

HAN = bre.compile(r"(\p{script: Han}+)", bre.UNICODE)  # the expression Material's plugin uses
_SPACE = re.compile(r"\s+")


class Cutter(Protocol):
    """What jieba's Tokenizer and rjieba's Jieba both offer: cutting a run of text into words."""

    def cut(self, text: str) -> Iterable[str]: ...


def dictionary_words(names: Iterable[str]) -> dict[str, int]:
    """The user dictionary: domain words, unit and town names, and the given names (projects ...)."""
    words: dict[str, int] = {}
    sources = [*DOMAIN_WORDS, *town_names(), *(n for u in all_units() for n in (u.name, *u.aliases)), *names]
    for source in sources:
        for run in map(str, HAN.findall(clean(source))):
            if 2 <= len(run) <= MAX_WORD:
                words[run] = USER_FREQ
    return words


def user_dict_text(words: dict[str, int]) -> str:
    return "\n".join(f"{w} {f}" for w, f in sorted(words.items())) + "\n"


def write_user_dict(words: dict[str, int], path: Path) -> None:
    path.write_text(user_dict_text(words), encoding="utf-8")


def read_user_dict(path: Path) -> dict[str, int]:
    words: dict[str, int] = {}
    for line in path.read_text("utf-8").splitlines():
        word, _, freq = line.partition(" ")
        if word:
            words[word] = int(freq or USER_FREQ)
    return words


def _engine(asked: str) -> str:
    if asked != "auto":
        return asked
    # Looked up, not imported: loading rjieba takes a second, and a build whose entries are all
    # in the segment cache never needs it.
    return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"


class Segmenter:
    """jieba's segmentation with the user dictionary, loaded on first use (a fully cached build never needs it).

    The cutting is done by rjieba, jieba's Rust port, when it is installed: on the five-year data it
    cut every search entry exactly as jieba does, six times faster (`python -m bench --only segmenters`).
    `engine` picks one explicitly ("jieba" or "rjieba"); "auto" prefers rjieba.
    """

    def __init__(self, words: dict[str, int], engine: str = "auto") -> None:
        self.words = words
        self.engine = _engine(engine)
        self._cutter: Cutter | None = None

    def version(self) -> str:
        """Which segmenter and version: cached segmentations of another one are not reused."""
        from importlib.metadata import version

        return f"{self.engine}-{version(self.engine)}"

    def _tokenizer(self) -> Cutter:
        if self._cutter is None:
            if self.engine == "rjieba":
                import rjieba

                tk = rjieba.Jieba()
                for word, freq in self.words.items():
                    tk.add_word(word, freq, None)
            else:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for word, freq in self.words.items():
                    tk.add_word(word, freq)
            self._cutter = tk
        return self._cutter

    def cut(self, run: str) -> list[str]:
        return list(self._tokenizer().cut(run))

    def segment(self, text: str) -> tuple[str, list[str]]:
        """Text as Material's plugin segments it (Han runs split by U+200B), and the Han tokens."""
        tokens: list[str] = []

        def replace(match: re.Match[str]) -> str:
            words = self.cut(match.group(0))
            tokens.extend(words)
            return "\u200b" + "\u200b".join(words) + "\u200b"

        return HAN.sub(replace, text).strip("\u200b"), tokens

    @staticmethod
    def subwords(token: str) -> tuple[str, ...]:
        """The tails of a long word (资源规划分局, 规划分局 ... of 自然资源规划分局).

        Material matches a query as a prefix of indexed words, so indexing every tail
        makes any part of the word findable: 预算 (of 财政预算), 经信局 (of 区经信局).
        """
        if len(token) < 3 or len(token) > MAX_WORD:
            return ()
        return tuple(token[i:] for i in range(1, len(token) - 1))
