// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Device.cs and DeviceType.cs.
namespace TorchSharp;

// Values mirror libtorch's c10::DeviceType, as TorchSharp's do.
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
    MKLDNN = 2,
    OPENGL = 3,
    OPENCL = 4,
    IDEEP = 5,
    HIP = 6,
    FPGA = 7,
    MSNPU = 8,
    XLA = 9,
    MPS = 13,
    META = 14,
}

public static partial class torch
{
    public class Device
    {
        public Device(string description) => throw null!;
        public Device(string deviceType, int index = -1) => throw null!;
        public Device(DeviceType deviceType, int index = -1) => throw null!;
        public Device(int index) => throw null!;

        public DeviceType type => throw null!;
        public int index => throw null!;

        public override string ToString() => throw null!;

        public static implicit operator Device(string description) => throw null!;
    }

    public static Device CUDA => throw null!;
    public static Device CPU = null!;
    public static Device META = null!;

    public static Device device(string description) => throw null!;
    public static Device device(string deviceType, int index = -1) => throw null!;
    public static Device device(DeviceType deviceType, int index = -1) => throw null!;
    public static Device device(int index) => throw null!;

    public static partial class cuda
    {
        public static bool is_available() => throw null!;
        public static int device_count() => throw null!;
    }
}
