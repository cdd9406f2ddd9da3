#include "train/device.h"

#include <sched.h>

#include <algorithm>

#include <thread>

#include "core/error.h"

namespace nerv {

torch::Device resolve_device(NervDevice requested)
{
    switch (requested) {
    case NERV_DEVICE_CPU:
        return torch::kCPU;
    case NERV_DEVICE_CUDA:
        if (!torch::cuda::is_available())
            fail(-ENODEV, "device=cuda requested but no CUDA device is available to this LibTorch "
                          "(use device=cpu or device=auto)");
        return torch::Device(torch::kCUDA, 0);
    case NERV_DEVICE_AUTO:
    default:
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    }
}

void prefer_channels_last(torch::nn::Module &model, const torch::Device &device)
{
    if (device.is_cuda())
        channels_last_for_inference(model);
}

void channels_last_for_inference(torch::nn::Module &model)
{
    torch::NoGradGuard no_grad;
    for (auto &p : model.parameters(true)) {
        if (p.dim() == 4)
            p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
    }
}

int usable_cores()
{
    // The CPUs this process may run on (a Slurm task or taskset sees fewer than the machine has).
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void apply_thread_setting(int threads)
{
    // Debian's LibTorch starts with one intra-op thread; all cores nearly doubles conv speed on 2.
    int n = threads > 0 ? threads : usable_cores();
    if (n < 1)
        n = 1;
    if (at::get_num_threads() != n)
        at::set_num_threads(n);
}

}  // namespace nerv
