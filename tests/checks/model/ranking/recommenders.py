"""Recommenders for the tests, importable by a loader (``[model].loader``): a world of ten
tastes, where the users of group g (user % 10) like the items 10g to 10g + 9, and the ways a
recommender goes wrong in it. ``taste`` is the clean one."""

from __future__ import annotations

import pandas as pd


def _seen() -> dict[int, set[int]]:
    train = pd.read_csv("train.csv")
    return {int(u): set(map(int, items)) for u, items in train.groupby("user_id")["item_id"]}


def _popular() -> list[int]:
    counts = pd.read_csv("train.csv")["item_id"].value_counts()
    return sorted(counts.index, key=lambda item: (-int(counts[item]), int(item)))


class Taste:
    """Items of the user's own taste, least seen first; unseen users get the popular items."""

    def __init__(self, exclude: bool = True) -> None:
        self.known = set(_seen())
        self.seen = _seen() if exclude else {}
        self.popular = _popular()

    def for_user(self, user: int, k: int) -> list[int]:
        if user not in self.known:  # never seen: cold start
            return self.popular[:k]
        block = 10 * (user % 10)
        mine = [i for i in range(block, block + 10) if i not in self.seen.get(user, set())]
        return mine[:k]

    def recommend(self, users: pd.DataFrame, k: int) -> list[list[int]]:
        return [self.for_user(int(u), k) for u in users["user_id"]]


class Popular(Taste):
    def for_user(self, user: int, k: int) -> list[int]:
        seen = self.seen.get(user, set())
        return [i for i in self.popular if i not in seen][:k]


class NearlyPopular(Popular):
    """The popular items, but six users of one group get three of their own taste at the end:
    a gain for six users and a loss for none (a bootstrap of the mean calls it credible)."""

    def for_user(self, user: int, k: int) -> list[int]:
        ranked = super().for_user(user, k)
        if user % 10 != 1 or user > 51:
            return ranked
        seen = self.seen.get(user, set())
        mine = [i for i in range(10, 20) if i not in seen and i not in ranked][:3]
        return ranked[: k - len(mine)] + mine


class Same(Taste):
    def for_user(self, user: int, k: int) -> list[int]:
        return super().for_user(0, k)


class Duplicates(Taste):
    def for_user(self, user: int, k: int) -> list[int]:
        ranked = super().for_user(user, k)
        return ranked[:1] * 2 + ranked[2:]


class NoColdStart(Taste):
    def for_user(self, user: int, k: int) -> list[int]:
        if user not in self.known:
            raise KeyError(user)
        return super().for_user(user, k)


class ByProfile(Taste):
    """Reads the profile: one gender gets its list reversed."""

    def recommend(self, users: pd.DataFrame, k: int) -> list[list[int]]:
        lists = super().recommend(users, k)
        return [r[::-1] if g == "f" else r for r, g in zip(lists, users["gender"], strict=True)]


def taste() -> Taste:
    return Taste()


def seen_too() -> Taste:
    return Taste(exclude=False)


def popular() -> Popular:
    return Popular()


def nearly_popular() -> NearlyPopular:
    return NearlyPopular()


def same() -> Same:
    return Same()


def duplicates() -> Duplicates:
    return Duplicates()


def no_cold_start() -> NoColdStart:
    return NoColdStart()


def by_profile() -> ByProfile:
    return ByProfile()
