#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "container/metadata.h"
#include "container/records.h"
#include "container_samples.h"

namespace NERV_TEST_FILE {

using nerv::Metadata;
using nerv_test::container::outcome_of;

Metadata round_trip(const Metadata &m)
{
    nerv::ByteWriter w;
    m.write(w);
    nerv::ByteReader r(w.data().data(), w.size(), "test metadata");
    Metadata back = Metadata::read(r);
    EXPECT_TRUE(r.at_end());
    return back;
}

void expect_same_entries(const Metadata &a, const Metadata &b)
{
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const Metadata::Entry &x = a.entries()[i];
        const Metadata::Entry &y = b.entries()[i];
        EXPECT_EQ(x.key, y.key);
        EXPECT_EQ(x.type, y.type) << x.key;
        EXPECT_EQ(x.i, y.i) << x.key;
        // Bit-exact: compare representations so NaN and -0.0 count too.
        EXPECT_EQ(std::memcmp(&x.f, &y.f, sizeof x.f), 0) << x.key;
        EXPECT_EQ(x.s, y.s) << x.key;
        EXPECT_EQ(x.ints, y.ints) << x.key;
        ASSERT_EQ(x.floats.size(), y.floats.size()) << x.key;
        for (size_t k = 0; k < x.floats.size(); ++k)
            EXPECT_EQ(std::memcmp(&x.floats[k], &y.floats[k], sizeof(double)), 0) << x.key << "[" << k << "]";
    }
}

/** Serialized metadata built field by field, to feed read() what a writer would refuse to produce. */
struct RawMetadata {
    nerv::ByteWriter w;
    RawMetadata(uint32_t count) { w.u32(count); }
    RawMetadata &key(const std::string &k, uint8_t type)
    {
        w.string(k);
        w.u8(type);
        return *this;
    }
    nerv_test::container::Outcome read() const
    {
        return outcome_of([&] {
            nerv::ByteReader r(w.data().data(), w.size(), "test metadata");
            Metadata::read(r);
        });
    }
};

TEST(MetadataTest, GettersReturnWhatSettersStored)
{
    Metadata m = nerv_test::container::metadata_of_every_type();
    EXPECT_EQ(m.get_int("video.frames"), -42);
    EXPECT_EQ(m.get_float("train.psnr"), 31.25);
    EXPECT_EQ(m.get_string("model.arch"), "hnerv");
    EXPECT_EQ(m.get_ints("hnerv.strides"), (std::vector<int64_t>{5, 4, 4, 2, 2}));
    EXPECT_EQ(m.get_floats("train.loss"), (std::vector<double>{0.5, 0.25, -1e-300}));
    EXPECT_TRUE(m.get_ints("empty.ints").empty());
    EXPECT_TRUE(m.has("model.arch"));
    EXPECT_FALSE(m.has("model"));
}

TEST(MetadataTest, SettingAnExistingKeyReplacesItInPlace)
{
    Metadata m;
    m.set_int("a", 1);
    m.set_int("b", 2);
    m.set_string("a", "now a string");
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m.entries()[0].key, "a");
    EXPECT_EQ(m.entries()[0].type, Metadata::Type::String);
    EXPECT_EQ(m.get_string("a"), "now a string");
    EXPECT_EQ(m.entries()[1].key, "b");
}

TEST(MetadataTest, RoundTripsEveryTypeBitExactly)
{
    Metadata m = nerv_test::container::metadata_of_every_type();
    m.set_int("int.min", std::numeric_limits<int64_t>::min());
    m.set_int("int.max", std::numeric_limits<int64_t>::max());
    m.set_float("float.nan", std::nan(""));
    m.set_float("float.negative-zero", -0.0);
    m.set_float("float.inf", -std::numeric_limits<double>::infinity());
    m.set_string("string.empty", "");
    m.set_string("string.binary", std::string("a\0b\xff", 4));
    m.set_floats("empty.floats", {});
    expect_same_entries(m, round_trip(m));
}

TEST(MetadataTest, RoundTripsValuesAtTheSizeLimits)
{
    const uint32_t n = nerv::StreamLimits::kMaxMetadataValueCount;
    Metadata m;
    std::vector<int64_t> ints(n);
    std::vector<double> floats(n);
    for (uint32_t i = 0; i < n; ++i) {
        ints[i] = int64_t(i) * 7919 - 100000;
        floats[i] = i * 0.001;
    }
    m.set_ints(std::string(nerv::StreamLimits::kMaxNameLength, 'k'), ints);
    m.set_floats("floats", floats);
    m.set_string("string", std::string(n, 'x'));
    expect_same_entries(m, round_trip(m));
}

TEST(MetadataTest, RoundTripsTheMaximumEntryCount)
{
    Metadata m;
    for (uint32_t i = 0; i < nerv::StreamLimits::kMaxMetadataEntries; ++i)
        m.set_int("k" + std::to_string(i), i);
    expect_same_entries(m, round_trip(m));
    EXPECT_EQ(outcome_of([&] { m.set_int("one.too.many", 0); }).code, -EINVAL);
}

TEST(MetadataTest, GettersNameTheMissingKey)
{
    Metadata m;
    auto o = outcome_of([&] { m.get_int("hnerv.fc_dim"); });
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("'hnerv.fc_dim' is missing"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("int"), std::string::npos) << o.message;
}

TEST(MetadataTest, GettersRejectAnotherType)
{
    Metadata m = nerv_test::container::metadata_of_every_type();
    auto o = outcome_of([&] { m.get_int("train.psnr"); });
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("'train.psnr' has type float, expected int"), std::string::npos) << o.message;
    EXPECT_EQ(outcome_of([&] { m.get_float("video.frames"); }).code, NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(outcome_of([&] { m.get_string("hnerv.strides"); }).code, NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(outcome_of([&] { m.get_ints("train.loss"); }).code, NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(outcome_of([&] { m.get_floats("hnerv.strides"); }).code, NERV_ERROR_INVALIDDATA);
}

TEST(MetadataTest, BoundedGettersCheckRangesAndCounts)
{
    Metadata m = nerv_test::container::metadata_of_every_type();
    m.set_float("nan", std::nan(""));
    EXPECT_EQ(m.get_int("video.frames", -42, -42), -42);
    auto o = outcome_of([&] { m.get_int("video.frames", 0, 100); });
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("'video.frames' = -42 is outside [0, 100]"), std::string::npos) << o.message;

    EXPECT_EQ(m.get_float("train.psnr", 0, 100), 31.25);
    EXPECT_EQ(outcome_of([&] { m.get_float("train.psnr", 40, 100); }).code, NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(outcome_of([&] { m.get_float("nan", -1e308, 1e308); }).code, NERV_ERROR_INVALIDDATA);

    EXPECT_EQ(m.get_ints("hnerv.strides", 5, 5, 2, 5).size(), 5u);
    EXPECT_EQ(outcome_of([&] { m.get_ints("hnerv.strides", 1, 4, 1, 8); }).code, NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(outcome_of([&] { m.get_ints("hnerv.strides", 6, 9, 1, 8); }).code, NERV_ERROR_INVALIDDATA);
    o = outcome_of([&] { m.get_ints("hnerv.strides", 1, 8, 3, 8); });
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("'hnerv.strides'[3] = 2"), std::string::npos) << o.message;
}

TEST(MetadataTest, SettersRejectInvalidKeysAndOversizedValues)
{
    Metadata m;
    for (const std::string &key : {std::string(), std::string("has space"), std::string("slash/key"),
                                   std::string("caf\xc3\xa9"), std::string(257, 'a')})
        EXPECT_EQ(outcome_of([&] { m.set_int(key, 1); }).code, -EINVAL) << "key '" << key << "'";
    const size_t too_many = nerv::StreamLimits::kMaxMetadataValueCount + 1;
    EXPECT_EQ(outcome_of([&] { m.set_string("s", std::string(too_many, 'x')); }).code, -EINVAL);
    EXPECT_EQ(outcome_of([&] { m.set_ints("i", std::vector<int64_t>(too_many)); }).code, -EINVAL);
    EXPECT_EQ(outcome_of([&] { m.set_floats("f", std::vector<double>(too_many)); }).code, -EINVAL);
    EXPECT_EQ(m.size(), 0u);
    m.set_int("Valid_key-1.x", 1);
    EXPECT_EQ(m.size(), 1u);
}

TEST(MetadataTest, ReadRejectsDuplicateKeys)
{
    RawMetadata raw(2);
    raw.key("a.b", 1).w.i64(1);
    raw.key("a.b", 3).w.string("x");
    auto o = raw.read();
    EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
    EXPECT_NE(o.message.find("'a.b' appears twice"), std::string::npos) << o.message;
}

TEST(MetadataTest, ReadRejectsUnknownTypesAndBadKeys)
{
    for (uint8_t type : {0, 6, 255}) {
        RawMetadata raw(1);
        raw.key("k", type).w.i64(0);
        auto o = raw.read();
        EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA) << int(type);
        EXPECT_NE(o.message.find("unknown type"), std::string::npos) << o.message;
    }
    for (const std::string &key : {std::string(), std::string("a b"), std::string("a\nb"), std::string(257, 'k')}) {
        RawMetadata raw(1);
        raw.key(key, 1).w.i64(0);
        EXPECT_EQ(raw.read().code, NERV_ERROR_INVALIDDATA) << "key '" << key << "'";
    }
}

TEST(MetadataTest, ReadRejectsAbsurdCountsWithoutAllocating)
{
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(RawMetadata(0xFFFFFFFFu).read().code, NERV_ERROR_INVALIDDATA);
    EXPECT_EQ(RawMetadata(nerv::StreamLimits::kMaxMetadataEntries).read().code, NERV_ERROR_INVALIDDATA);
    for (uint8_t type : {4, 5}) {
        RawMetadata huge(1);
        huge.key("a", type).w.u32(0xFFFFFFFFu);
        EXPECT_EQ(huge.read().code, NERV_ERROR_INVALIDDATA);
        RawMetadata unbacked(1);  // within the limit but with no values behind it
        unbacked.key("a", type).w.u32(nerv::StreamLimits::kMaxMetadataValueCount);
        auto o = unbacked.read();
        EXPECT_EQ(o.code, NERV_ERROR_INVALIDDATA);
        EXPECT_NE(o.message.find("claims 65536 values"), std::string::npos) << o.message;
    }
    RawMetadata long_string(1);
    long_string.key("a", 3).w.u32(0xFFFFFFFFu);
    EXPECT_EQ(long_string.read().code, NERV_ERROR_INVALIDDATA);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 0.5);
}

TEST(MetadataTest, ToTextShowsEveryTypeReadably)
{
    Metadata m = nerv_test::container::metadata_of_every_type();
    m.set_float("train.lr", 0.1);
    EXPECT_EQ(m.to_text(),
              "video.frames = -42\n"
              "train.psnr = 31.25\n"
              "model.arch = \"hnerv\"\n"
              "hnerv.strides = [5, 4, 4, 2, 2]\n"
              "train.loss = [0.5, 0.25, -1e-300]\n"
              "empty.ints = []\n"
              "train.lr = 0.1\n");
}

TEST(MetadataTest, ToTextEscapesControlBytesAndElidesLongArrays)
{
    Metadata m;
    m.set_string("s", "say \"hi\"\x1b[2J\n");
    m.set_ints("long", std::vector<int64_t>(100, 7));
    EXPECT_EQ(m.to_text(), "s = \"say \\\"hi\\\"\\x1b[2J\\x0a\"\n"
                           "long = [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, ... (100 values)]\n");
}

}  // namespace NERV_TEST_FILE
