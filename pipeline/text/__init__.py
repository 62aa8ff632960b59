"""Text: what every stage does to a string, with its language data in data/.

    normalize.py   traditional → simplified, one punctuation form, whitespace (every text field)
    segment.py     Chinese tokens (jieba via rjieba + the guaranteed lexicon) and English tokens
    wordlists.py   the lexicon, stopword and single-character-term files (data/)
    english.py     English plural folding
    lexicon.py     candidate lexicon terms from a corpus (`lexicon suggest`)
"""
