// SHA-256 (FIPS 180-4) against the standard test vectors and against padding
// boundaries (messages of 55/56/63/64/65 bytes straddle the one-/two-block split).
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "sha256.h"

namespace {

std::string sha(const std::string& s) {
  return posecheck::sha256_hex(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

TEST(Sha256, FipsEmpty) {
  EXPECT_EQ(sha(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // A null pointer with size 0 is the empty message too.
  EXPECT_EQ(posecheck::sha256_hex(nullptr, 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, FipsAbc) {
  EXPECT_EQ(sha("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Fips448BitMessage) {
  EXPECT_EQ(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, Fips896BitMessage) {
  EXPECT_EQ(sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, FipsOneMillionA) {
  EXPECT_EQ(sha(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Digests of n repetitions of 'a' (computed with coreutils sha256sum).
TEST(Sha256, PaddingBoundaries) {
  EXPECT_EQ(sha(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha(std::string(63, 'a')), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  EXPECT_EQ(sha(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  EXPECT_EQ(sha(std::string(65, 'a')), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}

TEST(Sha256, OutputIsLowercaseHexAndSensitiveToEveryByte) {
  std::string msg(200, '\0');
  for (int i = 0; i < 200; ++i) msg[i] = static_cast<char>(i * 37 + 11);
  const std::string base = sha(msg);
  ASSERT_EQ(base.size(), 64u);
  for (char c : base) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << base;
  for (int i : {0, 55, 56, 63, 64, 127, 199}) {
    std::string m = msg;
    m[i] ^= 1;
    EXPECT_NE(sha(m), base) << "flipping a bit of byte " << i;
  }
}

}  // namespace
