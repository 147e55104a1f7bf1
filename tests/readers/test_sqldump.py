"""SQL dumps (.sql): the rows of a site's tables that hold articles, one article each, read as data
records are. Each behaviour with a hit and a near miss, on dumps written here."""
from __future__ import annotations

import pytest

from annotate.sources import SourceError, iter_source_files, read_file, sqldump

from reader_helpers import outline, read

MYSQL = r"""-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `news_article`;
CREATE TABLE `news_article` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `title` varchar(255) DEFAULT NULL,
  `content` longtext,
  `author` varchar(64) DEFAULT NULL,
  `api_token` varchar(64) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4;
LOCK TABLES `news_article` WRITE;
/*!40000 ALTER TABLE `news_article` DISABLE KEYS */;
INSERT INTO `news_article` VALUES (1,'坚持以人民为中心','<p>　　发展为了人民，这是马克思主义政治经济学的根本立场。</p>\r\n<p>　　我们要坚持\'以人民为中心\'的发展思想。</p>','王一鸣','s3cr3t'),(2,'短讯','<p>很短。</p>','张三',NULL),(3,_utf8mb4'推进高质量发展','<p>高质量发展是新时代的硬道理，我们必须完整准确全面贯彻新发展理念。</p>','李四',NULL);
/*!40000 ALTER TABLE `news_article` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (`id` int, `name` varchar(20), `bio` varchar(200));
INSERT INTO `users` VALUES (1,'张三','北京人'),(2,'李四',NULL);
"""

POSTGRES = """--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
CREATE TABLE public.posts (
    id integer NOT NULL,
    subject character varying(200),
    body text
);
COPY public.posts (id, subject, body) FROM stdin;
1\t论读书的意义\t读书是一件要紧的事。我们要多读书，读好书。\\n\\n书读多了，见识自然就广了，这是千古不变的道理。
2\t\\N\t\\N
\\.
"""

SQLITE = ("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE notification (id INTEGER, title TEXT, text TEXT);\n"
          "INSERT INTO notification VALUES(1,'关于做好安全生产工作的通知','各单位要高度重视安全生产工作，必须层层落实责任，"
          "确保不发生重大事故。');\nCOMMIT;\n")


def _read(tmp_path, text, name="dump.sql"):
    return read(tmp_path, text, name)


def test_a_mysql_dump_gives_one_article_per_row_that_holds_one(tmp_path):
    docs = _read(tmp_path, MYSQL)
    # row 2's body is too short to be an article; the users table holds names, no article
    assert [d.title for d in docs] == ["坚持以人民为中心", "推进高质量发展"] and [d.index for d in docs] == [0, 1]
    first = docs[0]
    assert first.meta["sql_table"] == "news_article" and first.meta["sql_row"] == 1 and first.meta["id"] == 1
    assert first.authors == ["王一鸣"] and "api_token" not in first.meta          # a credential never kept
    # MySQL's escapes decoded; the body's HTML read as HTML (its paragraphs, its indents)
    assert outline(first)[1:] == [("paragraph", "发展为了人民，这是马克思主义政治经济学的根本立场。"),
                                  ("paragraph", "我们要坚持'以人民为中心'的发展思想。")]
    assert docs[1].meta["sql_row"] == 3 and docs[1].source == "dump.sql"


def test_postgres_copy_blocks_and_sqlite_inserts_are_read(tmp_path):
    [doc] = _read(tmp_path, POSTGRES, "pg.sql")
    assert doc.title == "论读书的意义" and doc.meta["sql_table"] == "posts"
    assert outline(doc)[1:] == [("paragraph", "读书是一件要紧的事。我们要多读书，读好书。"),
                                ("paragraph", "书读多了，见识自然就广了，这是千古不变的道理。")]
    [doc] = _read(tmp_path, SQLITE, "lite.sql")
    assert doc.title == "关于做好安全生产工作的通知" and doc.meta["sql_table"] == "notification"


def test_an_insert_without_a_create_table_names_its_columns_by_number(tmp_path):
    text = "INSERT INTO `t` VALUES (7,'没有建表语句的一行','这一行的正文足够长，说明问题：我们必须坚持实事求是。');\n"
    [doc] = _read(tmp_path, text)
    # (no column names: the body is the field with the most Han text, no title field)
    assert "我们必须坚持实事求是" in doc.text and doc.meta["column_1"] == 7


@pytest.mark.parametrize("text, reason", [
    ("CREATE TABLE users (id int, name varchar(20));\nINSERT INTO users VALUES (1,'张三');\n",
     "no article rows in the SQL dump (a row with a text field of 20 Han characters or more); "
     "tables inserted into: users (1 rows)"),
    ("这不是 SQL，只是一段中文。\n", "no article rows in the SQL dump (a row with a text field of 20 Han characters "
                                "or more); tables inserted into: none"),
    ("INSERT INTO t VALUES (1,'" + "字" * 500, None),                               # an unterminated string
    ("INSERT INTO t VALUES " + "(" * 5000 + "1" + ")" * 5000 + ";", "not a readable SQL dump: expressions nested too deep"),
])
def test_a_dump_without_articles_fails_with_one_line(tmp_path, text, reason):
    path = tmp_path / "bad.sql"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as e:
        read_file(path)
    line = str(e.value)
    assert "\n" not in line and line.startswith(f"{path}: ") and len(line) < len(str(path)) + 200
    if reason is not None:
        assert line == f"{path}: {reason}"


def test_a_folder_reads_its_dumps_with_its_other_sources(tmp_path):
    (tmp_path / "dump.sql").write_text(SQLITE, encoding="utf-8")
    (tmp_path / "a.md").write_text("# 标题\n\n正文。\n", encoding="utf-8")
    assert sorted(p.name for p in iter_source_files([tmp_path], on_error=print)) == ["a.md", "dump.sql"]


def test_the_row_threshold_is_the_readers_constant(tmp_path, monkeypatch):
    monkeypatch.setattr(sqldump, "MIN_BODY_HAN", 1)
    assert [d.title for d in _read(tmp_path, MYSQL)] == ["坚持以人民为中心", "短讯", "推进高质量发展", "张三"]
