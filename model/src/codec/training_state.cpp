// Layout (little-endian, inside the checkpoint's CKTR chunk, whose CRC covers it):
//   Metadata  training.* position and results
//   u64 n, n bytes    the shuffling generator's state
//   u64 n, n bytes    Adam's state (LibTorch archive)
//   tensor list       the model's parameters and buffers by name
//   tensor list       pruning masks (empty in TRAIN)
// tensor list: u32 count, then per tensor: string name, u8 dtype, u8 rank, i64 dims, u64 size, raw bytes.
#include "codec/training_state.h"

#include <map>

#include "container/metadata.h"
#include "core/byte_io.h"
#include "core/error.h"

namespace nerv {
namespace {

constexpr uint32_t kMaxStateTensors = 1 << 16;
constexpr uint32_t kMaxStateRank = 8;
constexpr int64_t kMaxStateElements = int64_t(1) << 34;

struct DtypeCode {
    uint8_t code;
    torch::ScalarType type;
};
const DtypeCode kDtypes[] = {{0, torch::kFloat32}, {1, torch::kFloat64}, {2, torch::kInt64},
                             {3, torch::kUInt8},   {4, torch::kBool},    {5, torch::kInt32}};

uint8_t dtype_code(torch::ScalarType t, const std::string &name)
{
    for (const DtypeCode &d : kDtypes) {
        if (d.type == t)
            return d.code;
    }
    fail(-EIO, format("checkpoint: tensor '%s' has a type (%s) checkpoints do not store", name.c_str(),
                      c10::toString(t)));
}

void write_blob(ByteWriter &w, const void *data, size_t size)
{
    w.u64(size);
    w.bytes(data, size);
}

std::vector<uint8_t> read_blob(ByteReader &r, const char *field)
{
    const uint64_t n = r.u64(field);
    if (n > r.remaining())
        fail_invalid_data(format("%s: %s of %llu bytes runs past the end", r.what().c_str(), field,
                                 static_cast<unsigned long long>(n)));
    const uint8_t *p = r.bytes(static_cast<size_t>(n), field);
    return std::vector<uint8_t>(p, p + n);
}

void write_tensors(ByteWriter &w, const std::vector<std::pair<std::string, torch::Tensor>> &tensors)
{
    w.u32(static_cast<uint32_t>(tensors.size()));
    for (const auto &[name, t] : tensors) {
        const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
        w.string(name);
        w.u8(dtype_code(c.scalar_type(), name));
        w.u8(static_cast<uint8_t>(c.dim()));
        for (int64_t d : c.sizes())
            w.i64(d);
        write_blob(w, c.data_ptr(), c.nbytes());
    }
}

std::map<std::string, torch::Tensor> read_tensors(ByteReader &r)
{
    std::map<std::string, torch::Tensor> out;
    const uint32_t count = r.u32("tensor count");
    if (count > kMaxStateTensors)
        fail_invalid_data(format("%s: %u tensors, more than %u", r.what().c_str(), count, kMaxStateTensors));
    for (uint32_t i = 0; i < count; ++i) {
        const std::string name = r.string("tensor name");
        const uint8_t code = r.u8("tensor type");
        const DtypeCode *dtype = nullptr;
        for (const DtypeCode &d : kDtypes)
            dtype = d.code == code ? &d : dtype;
        const uint8_t rank = r.u8("tensor rank");
        if (!dtype || rank > kMaxStateRank)
            fail_invalid_data(format("%s: tensor '%s' has type %u, rank %u", r.what().c_str(), name.c_str(), code,
                                     rank));
        std::vector<int64_t> dims(rank);
        int64_t numel = 1;
        for (int64_t &d : dims) {
            d = r.i64("tensor dimension");
            if (d < 0 || d > kMaxStateElements || numel > kMaxStateElements / std::max<int64_t>(d, 1))
                fail_invalid_data(format("%s: tensor '%s' has a bad dimension", r.what().c_str(), name.c_str()));
            numel *= d;
        }
        const std::vector<uint8_t> data = read_blob(r, "tensor data");
        const torch::TensorOptions opts = torch::TensorOptions().dtype(dtype->type);
        const size_t expected = static_cast<size_t>(numel) * c10::elementSize(dtype->type);
        if (data.size() != expected)
            fail_invalid_data(format("%s: tensor '%s' has %zu bytes, its shape needs %zu", r.what().c_str(),
                                     name.c_str(), data.size(), expected));
        torch::Tensor t = torch::empty(dims, opts);
        if (expected)
            std::memcpy(t.data_ptr(), data.data(), expected);
        if (!out.emplace(name, t).second)
            fail_invalid_data(format("%s: tensor '%s' appears twice", r.what().c_str(), name.c_str()));
    }
    return out;
}

void write_result(Metadata &m, const std::string &key, const TrainResult &r)
{
    m.set_floats(key, {r.loss, r.psnr, r.seconds, r.seconds_per_epoch});
}

TrainResult read_result(const Metadata &m, const std::string &key)
{
    const std::vector<double> v = m.get_floats(key);
    if (v.size() != 4)
        fail_invalid_data(format("checkpoint: '%s' has %zu values, expected 4", key.c_str(), v.size()));
    TrainResult r;
    r.loss = v[0];
    r.psnr = v[1];
    r.seconds = v[2];
    r.seconds_per_epoch = v[3];
    return r;
}

/** Every tensor training changes or the model holds, by name. */
std::vector<std::pair<std::string, torch::Tensor>> model_tensors(VideoModelImpl &model)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto &p : model.named_parameters(true))
        out.emplace_back(p.key(), p.value());
    for (const auto &b : model.named_buffers(true))
        out.emplace_back(b.key(), b.value());
    return out;
}

}  // namespace

std::vector<uint8_t> save_training_state(const SegmentTrainingState &state, VideoModelImpl &model,
                                         const PruneMasks *masks)
{
    const TrainState &t = state.train;
    Metadata m;
    m.set_int("training.phase", state.phase);
    m.set_int("training.epoch", t.epoch);
    m.set_int("training.iteration", t.iteration);
    m.set_floats("training.sums", {t.loss_sum, t.psnr_sum});
    m.set_int("training.samples", t.samples);
    write_result(m, "training.result", t.result);
    write_result(m, "training.train_result", state.train_result);
    ByteWriter w;
    m.write(w);
    write_blob(w, t.generator.data(), t.generator.size());
    write_blob(w, t.optimizer.data(), t.optimizer.size());
    write_tensors(w, model_tensors(model));
    std::vector<std::pair<std::string, torch::Tensor>> mask_list;
    if (masks) {
        for (size_t i = 0; i < masks->masks().size(); ++i)
            mask_list.emplace_back(format("mask.%zu", i), masks->masks()[i]);
    }
    write_tensors(w, mask_list);
    return w.take();
}

SegmentTrainingState restore_training_state(const std::vector<uint8_t> &bytes, VideoModelImpl &model,
                                            PruneMasks *masks)
{
    ByteReader r(bytes.data(), bytes.size(), "checkpoint training state");
    const Metadata m = Metadata::read(r);
    SegmentTrainingState s;
    const int64_t phase = m.get_int("training.phase", NERV_PHASE_TRAIN, NERV_PHASE_QUANTIZE);
    if (phase == NERV_PHASE_COMPRESS)
        fail_invalid_data("checkpoint: 'training.phase' is the compression phase, which keeps no training state");
    s.phase = static_cast<NervPhase>(phase);
    s.train.epoch = static_cast<int>(m.get_int("training.epoch", 0, 100000));
    s.train.iteration = m.get_int("training.iteration", 0, int64_t(1) << 40);
    const std::vector<double> sums = m.get_floats("training.sums");
    if (sums.size() != 2)
        fail_invalid_data("checkpoint: 'training.sums' must hold 2 values");
    s.train.loss_sum = sums[0];
    s.train.psnr_sum = sums[1];
    s.train.samples = m.get_int("training.samples", 0, int64_t(1) << 40);
    s.train.result = read_result(m, "training.result");
    s.train_result = read_result(m, "training.train_result");
    s.train.generator = read_blob(r, "generator state");
    const std::vector<uint8_t> optimizer = read_blob(r, "optimizer state");
    s.train.optimizer.assign(optimizer.begin(), optimizer.end());

    std::map<std::string, torch::Tensor> saved = read_tensors(r);
    torch::NoGradGuard no_grad;
    size_t used = 0;
    for (auto &[name, target] : model_tensors(model)) {
        auto it = saved.find(name);
        if (it == saved.end() || it->second.sizes() != target.sizes() ||
            it->second.scalar_type() != target.scalar_type())
            fail_invalid_data(format("checkpoint: tensor '%s' is missing or does not fit the model (were the "
                                     "settings changed?)",
                                     name.c_str()));
        target.copy_(it->second);
        ++used;
    }
    if (used != saved.size())
        fail_invalid_data("checkpoint: tensors that the model does not have");
    std::map<std::string, torch::Tensor> saved_masks = read_tensors(r);
    r.expect_end("the training state");
    // Fine-tuning after pruning, and quantization-aware fine-tuning of a pruned model, keep the masks
    // (a bit-rate target may have pruned nothing: then its quantization-aware state has none).
    const bool needs_masks =
        s.phase == NERV_PHASE_FINETUNE || (s.phase == NERV_PHASE_QUANTIZE && masks && !saved_masks.empty());
    if (s.phase == NERV_PHASE_TRAIN && !saved_masks.empty())
        fail_invalid_data("checkpoint: pruning masks in a training state");
    if (s.phase == NERV_PHASE_QUANTIZE && !masks && !saved_masks.empty())
        fail_invalid_data("checkpoint: quantization-aware state of a pruned model for an encode without pruning");
    if (needs_masks) {
        if (!masks)
            fail_invalid_data("checkpoint: fine-tuning state for an encode without pruning");
        std::vector<torch::Tensor> list;
        for (size_t i = 0; i < saved_masks.size(); ++i) {
            auto it = saved_masks.find(format("mask.%zu", i));
            if (it == saved_masks.end())
                fail_invalid_data(format("checkpoint: pruning mask %zu is missing", i));
            list.push_back(it->second);
        }
        *masks = PruneMasks::restore(model, list);
    }
    return s;
}

}  // namespace nerv
