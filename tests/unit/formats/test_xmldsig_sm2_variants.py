"""SM2 XMLDSig as the field makes it: test vectors built from the published algorithm and a
round trip against gmssl.

A reference SM2 signer is written here from GB/T 32918.2-2016 §6.1 in plain integers (affine
points, the curve as a parameter) with gmssl's SM3 — nothing shared with the code under test,
whose SM3 is OpenSSL's. It is first held to the worked example of GB/T 32918.2-2016 Annex A
(its Fp-256 test curve, ID ``ALICE123@YAHOO.COM``, message ``message digest``), then used on
the recommended curve sm2p256v1 with the default user ID ``1234567812345678`` (GM/T 0009) to
sign CEB messages in each XMLDSig variant in use: the 202205 spec's chinaport.gov.cn URIs, and
``http://www.w3.org/2000/09/xmldsig#sm2-sm3`` with an SM3 or a SHA-1 digest.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from gmssl import sm2 as gmssl_sm2  # type: ignore[import-untyped]
from gmssl import sm3 as gmssl_sm3  # type: ignore[import-untyped]
from lxml import etree

from tradewindow.formats import xmldsig, xmldsig_sm2
from tradewindow.formats.xmldsig import SignatureError
from tradewindow.formats.xmldsig_sm2 import Sm2PrivateKey, Sm2PublicKey

UNSIGNED = (Path(__file__).parents[2] / "data" / "ceb" / "inventory_621.unsigned.xml").read_bytes()
DS = "{http://www.w3.org/2000/09/xmldsig#}"


# --- the reference signer ----------------------------------------------------------------


@dataclass(frozen=True)
class Curve:
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int


def _hex(text: str) -> int:
    return int("".join(text.split()), 16)


# GB/T 32918.2-2016 Annex A (= GM/T 0003.2-2012 附录A), the Fp-256 example curve
EXAMPLE = Curve(
    p=_hex("8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3"),
    a=_hex("787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498"),
    b=_hex("63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A"),
    gx=_hex("421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D"),
    gy=_hex("0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2"),
    n=_hex("8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7"),
)
# GB/T 32918.5-2017 (the recommended curve sm2p256v1)
RECOMMENDED = Curve(
    p=_hex("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF"),
    a=_hex("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC"),
    b=_hex("28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93"),
    gx=_hex("32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7"),
    gy=_hex("BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0"),
    n=_hex("FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123"),
)
DEFAULT_ID = b"1234567812345678"


Point = tuple[int, int] | None


def _add(curve: Curve, one: Point, two: Point) -> Point:
    if one is None:
        return two
    if two is None:
        return one
    (x1, y1), (x2, y2), p = one, two, curve.p
    if x1 == x2 and (y1 + y2) % p == 0:
        return None
    if one == two:
        slope = (3 * x1 * x1 + curve.a) * pow(2 * y1, -1, p) % p
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (slope * slope - x1 - x2) % p
    return x3, (slope * (x1 - x3) - y1) % p


def _times(curve: Curve, k: int, point: tuple[int, int]) -> tuple[int, int]:
    result = None
    while k:
        if k & 1:
            result = _add(curve, result, point)
        point = _add(curve, point, point)
        k >>= 1
    assert result is not None
    return result


def _sm3(data: bytes) -> bytes:
    return bytes.fromhex(gmssl_sm3.sm3_hash(list(data)))


def z_a(curve: Curve, user_id: bytes, public: tuple[int, int]) -> bytes:
    """Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2, 5.5)."""
    parts = (curve.a, curve.b, curve.gx, curve.gy, *public)
    return _sm3(
        (len(user_id) * 8).to_bytes(2, "big")
        + user_id
        + b"".join(v.to_bytes(32, "big") for v in parts)
    )


def reference_sign(
    curve: Curve, d: int, k: int, message: bytes, user_id: bytes = DEFAULT_ID
) -> tuple[int, int]:
    """GB/T 32918.2, 6.1, steps A1 to A7, with the random k given."""
    public = _times(curve, d, (curve.gx, curve.gy))
    e = int.from_bytes(_sm3(z_a(curve, user_id, public) + message), "big")
    x1, _ = _times(curve, k, (curve.gx, curve.gy))
    r = (e + x1) % curve.n
    s = pow(1 + d, -1, curve.n) * (k - r * d) % curve.n
    assert r not in (0, curve.n - k)  # A5: another k would be drawn
    assert s != 0
    return r, s


def test_the_reference_signer_gives_the_worked_example_of_gb_t_32918_2_annex_a() -> None:
    d = _hex("128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263")
    k = _hex("6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F")
    public = _times(EXAMPLE, d, (EXAMPLE.gx, EXAMPLE.gy))
    assert public == (
        _hex("0AE4C779 8AA0F119 471BEE11 825BE462 02BB79E2 A5844495 E97C04FF 4DF2548A"),
        _hex("7C0240F8 8F1CD4E1 6352A73C 17B7F16F 07353E53 A176D684 A9FE0C6B B798E857"),
    )
    assert z_a(EXAMPLE, b"ALICE123@YAHOO.COM", public).hex().upper() == (
        "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A"
    )
    assert reference_sign(EXAMPLE, d, k, b"message digest", b"ALICE123@YAHOO.COM") == (
        _hex("40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1"),
        _hex("6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7"),
    )


# --- vectors on sm2p256v1 with the default user ID ----------------------------------------

D = _hex("3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8")
K = _hex("59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21")
KEY = Sm2PrivateKey(D)


def test_the_code_under_test_uses_the_recommended_curve() -> None:
    assert (
        RECOMMENDED.p, RECOMMENDED.a, RECOMMENDED.b, RECOMMENDED.n,
    ) == (xmldsig_sm2.P, xmldsig_sm2.A, xmldsig_sm2.B, xmldsig_sm2.N)  # fmt: skip
    assert (KEY.public_key().x, KEY.public_key().y) == _times(
        RECOMMENDED, D, (RECOMMENDED.gx, RECOMMENDED.gy)
    )


def raw(signature: tuple[int, int]) -> bytes:
    return signature[0].to_bytes(32, "big") + signature[1].to_bytes(32, "big")


def test_a_reference_vector_verifies_and_gmssl_signs_the_same_bytes() -> None:
    message = b"<ds:SignedInfo>CEB621</ds:SignedInfo>"
    expected = reference_sign(RECOMMENDED, D, K, message)
    assert xmldsig_sm2.verify(KEY.public_key(), raw(expected), message)
    assert xmldsig_sm2.verify(KEY.public_key(), xmldsig_sm2.der_signature(raw(expected)), message)
    assert not xmldsig_sm2.verify(KEY.public_key(), raw(expected), message + b" ")
    # gmssl, given the same random k, computes the same (r, s) with its own Z_A
    curve = gmssl_sm2.CryptSM2(private_key=f"{D:064x}", public_key="")
    public = KEY.public_key()
    curve.public_key = f"{public.x:064x}{public.y:064x}"
    assert curve.sign_with_sm3(message, f"{K:064x}") == raw(expected).hex()
    # and the code under test signs what gmssl verifies
    assert curve.verify_with_sm3(xmldsig_sm2.sign(KEY, message).hex(), message)


# --- the XMLDSig variants -------------------------------------------------------------------

VARIANTS = {
    "chinaport-2022": (xmldsig_sm2.SM2_SM3_URI, xmldsig_sm2.SM3_URI, _sm3),
    "w3c-sm3": (xmldsig_sm2.W3C_SM2_SM3_URI, xmldsig_sm2.W3C_SM3_URI, _sm3),
    "w3c-sha1": (
        xmldsig_sm2.W3C_SM2_SM3_URI,
        xmldsig.SHA1,
        lambda data: hashlib.sha1(data).digest(),  # noqa: S324 - the digest these clients use
    ),
}


def reference_signed(variant: str) -> bytes:
    """UNSIGNED with a ds:Signature built here: the variant's URIs, the DigestValue from this
    file's own digest, and the SignatureValue from the reference signer (fixed k)."""
    signature_method, digest_method, digest = VARIANTS[variant]
    root = etree.fromstring(UNSIGNED)
    content = etree.tostring(root, method="c14n")
    signature = etree.fromstring(
        f'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
        f'<ds:CanonicalizationMethod Algorithm="{xmldsig.C14N}"/>'
        f'<ds:SignatureMethod Algorithm="{signature_method}"/>'
        f'<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="{xmldsig.ENVELOPED}"/>'
        f'</ds:Transforms><ds:DigestMethod Algorithm="{digest_method}"/>'
        f"<ds:DigestValue>{base64.b64encode(digest(content)).decode()}</ds:DigestValue>"
        f"</ds:Reference></ds:SignedInfo><ds:SignatureValue/>"
        f"<ds:KeyInfo><ds:KeyName>0001</ds:KeyName></ds:KeyInfo></ds:Signature>"
    )
    root.append(signature)
    signed_info = signature.find(f"{DS}SignedInfo")
    value = reference_sign(RECOMMENDED, D, K, etree.tostring(signed_info, method="c14n"))
    signature.find(f"{DS}SignatureValue").text = base64.b64encode(raw(value)).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_each_variant_in_use_verifies_from_reference_vectors(variant: str) -> None:
    signed = reference_signed(variant)
    xmldsig.verify(signed, KEY.public_key())
    changed = signed.replace(b"<ceb:copNo>", b"<ceb:copNo>1", 1)
    with pytest.raises(SignatureError) as caught:
        xmldsig.verify(changed, KEY.public_key())
    assert caught.value.code == "signature.digest_mismatch"
    with pytest.raises(SignatureError) as caught:
        xmldsig.verify(signed, Sm2PrivateKey.generate().public_key())
    assert caught.value.code == "signature.invalid"


@pytest.mark.parametrize("variant", ["chinaport-2022", "w3c-sm3", "w3c-sha1"])
def test_what_tradewindow_signs_in_each_variant_gmssl_verifies(variant: str) -> None:
    signed = xmldsig.sign(UNSIGNED, KEY, key_name="0001", algorithm=xmldsig_sm2.VARIANTS[variant])
    signature_method, digest_method, digest = VARIANTS[variant]
    root = etree.fromstring(signed)
    signature = root.find(f"{DS}Signature")
    assert signature is not None
    assert (
        signature.find(f"{DS}SignedInfo/{DS}SignatureMethod").get("Algorithm") == signature_method
    )
    assert (
        signature.find(f"{DS}SignedInfo/{DS}Reference/{DS}DigestMethod").get("Algorithm")
        == digest_method
    )
    signed_info = etree.tostring(signature.find(f"{DS}SignedInfo"), method="c14n")
    value = base64.b64decode(signature.findtext(f"{DS}SignatureValue") or "")
    curve = gmssl_sm2.CryptSM2(private_key=None, public_key="")
    public = KEY.public_key()
    curve.public_key = f"{public.x:064x}{public.y:064x}"
    assert curve.verify_with_sm3(value.hex(), signed_info)
    # the enveloped-signature transform removes the element, not the text after it
    previous = signature.getprevious()
    assert previous is not None
    previous.tail = (previous.tail or "") + (signature.tail or "")
    root.remove(signature)
    expected = digest(etree.tostring(root, method="c14n"))
    assert signature.findtext(f"{DS}SignedInfo/{DS}Reference/{DS}DigestValue") == (
        base64.b64encode(expected).decode()
    )


def algorithm(signature: etree._Element, path: str) -> str | None:
    found = signature.xpath(f"ds:{path}/@Algorithm", namespaces={"ds": DS[1:-1]})
    return str(found[0]) if isinstance(found, list) and found else None


def test_a_message_gmssl_signed_verifies() -> None:
    """gmssl signs the canonical SignedInfo (its own Z_A, its own random k)."""
    template = xmldsig.sign(UNSIGNED, KEY, algorithm=xmldsig_sm2.W3C_SM2_SM3)
    root = etree.fromstring(template)
    signature = root.find(f"{DS}Signature")
    assert signature is not None
    signed_info = etree.tostring(signature.find(f"{DS}SignedInfo"), method="c14n")
    curve = gmssl_sm2.CryptSM2(private_key=f"{D:064x}", public_key="")
    public = KEY.public_key()
    curve.public_key = f"{public.x:064x}{public.y:064x}"  # gmssl's Z_A needs it
    value = bytes.fromhex(curve.sign_with_sm3(signed_info))
    signature.find(f"{DS}SignatureValue").text = base64.b64encode(value).decode()
    xmldsig.verify(etree.tostring(root), KEY.public_key())


def test_a_digest_not_used_with_the_signature_method_is_unsupported() -> None:
    signed = reference_signed("w3c-sha1").replace(
        xmldsig.SHA1.encode(), b"http://www.w3.org/2001/04/xmlenc#sha256"
    )
    with pytest.raises(SignatureError) as caught:
        xmldsig.verify(signed, KEY.public_key())
    assert caught.value.code == "signature.unsupported_algorithm"
    assert Sm2PublicKey.from_bytes(KEY.public_key().to_bytes()) == KEY.public_key()
