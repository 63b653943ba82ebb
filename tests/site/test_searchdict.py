"""Chinese segmentation for the search index: rjieba is used and cuts exactly as jieba does."""

from __future__ import annotations

from generator.search.dictionary import Segmenter, dictionary_words

TEXTS = (
    "请区自然资源和规划分局加快办理用地预审手续，12月15日前完成财政预算资金拨付。",
    "东城滨江智慧停车场及配套工程：施工期间交通组织方案未获审定，道路封闭施工无法实施。",
    "协调区供电分局优化供电方案，开辟电力接入绿色通道；XX经开集团负责管线迁改。",
)


def test_the_site_uses_rjieba_and_it_cuts_like_jieba() -> None:
    words = dictionary_words(["东城滨江智慧停车场及配套工程"])
    fast, reference = Segmenter(words), Segmenter(words, engine="jieba")
    assert fast.engine == "rjieba" and fast.version().startswith("rjieba-")
    for text in TEXTS:
        assert fast.segment(text) == reference.segment(text)
    _, tokens = fast.segment(TEXTS[1])
    assert "东城滨江智慧停车场及配套工程" in tokens          # the user dictionary keeps a project name whole
