"""Words of a question that say nothing about which service is meant."""

from __future__ import annotations

import re

# Words that carry no subject: particles, politeness, question words, pronouns.
FUNCTION_WORDS = frozenset("""
ครับ คับ ค่ะ คะ ค่า คร้าบ จ้า จ๊ะ จ้ะ จ๋า นะ นะคะ นะครับ นะจ๊ะ นะจ้ะ นะคับ น่ะ ฮะ ฮับ เด้อ เนาะ จ้าา
ไหม มั้ย มั๊ย ไม๊ เปล่า ป่าว หรือเปล่า รึเปล่า บ่ หรือ รึ ยัง
อะไร ยังไง ไง อย่างไร ทำไง ทำยังไง ที่ไหน ตรงไหน ไหน เมื่อไหร่ เมื่อไร เท่าไหร่ เท่าไร กี่ ใคร ทำไม
บ้าง หน่อย ด้วย ค่ะ ได้ ได้ไหม ได้มั้ย ต้อง จะ ก็ แล้ว อยาก อยากจะ ขอ ช่วย
ผม ฉัน หนู เรา ดิฉัน เค้า เขา คุณ ท่าน ที่ ของ และ กับ ให้ ใน มี เป็น คือ นี้ นั้น
มาก ทำ ใช่ ใช่ไหม ถึง เอา ไป มา อยู่ ดี ได้ยัง แล้วก็ หรอ เหรอ อ่ะ อะ ละ หา
สวัสดี หวัดดี ถาม สอบถาม อยากถาม เรื่อง ทราบ อยากทราบ รบกวน
เลย ว่า บอก ถ้า อีก ที ตัวเอง ตนเอง เอง อยากได้ จริง จริงๆ ๆ
ที่ไหนบ้าง อย่างไรบ้าง ยังไงบ้าง ไม่ต้อง กำลังจะ น่าจะ อาจจะ คงจะ ควรจะ ที่จะ เพิ่ง เพิ่งจะ พึ่ง
แค่ เคย นิดหน่อย สักหน่อย เพราะอะไร อยู่แล้ว เจ้าค่ะ หรอก
ขอบคุณ ขอบพระคุณ ขอโทษ ขออภัย แอดมิน admin พอดี พอดีว่า นิดนึง หน่อยนึง ตอบ คำตอบ
ชื่ออะไร
ใด ใด๋ ได๋ นะค้า ค้า หรือยัง ขอบใจ
""".split())
# Courtesies the tokenizer would split into a word that does name a service
# (ขอบคุณ|ล่วงหน้า: the allowances' early registration); read whole, they say nothing.
COURTESIES = frozenset({"ขอบคุณล่วงหน้า"})
FUNCTION_WORDS |= COURTESIES
# A number in digits or Thai words (สาม, แปดสิบ, ห้าร้อย, ครึ่ง, ที่สอง); like an age or a
# count, it is left out of a question unless an entry uses it.
NUMBER = re.compile(
    r"(ที่)?(\d+|(หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน"
    r"|ครึ่ง)+)")
