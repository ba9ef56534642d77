// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Tensor/Tensor.Operators.cs (arithmetic), Tensor.Math.cs
// (unary minus) and Tensor.cs (comparisons and implicit conversions).
namespace TorchSharp;

public static partial class torch
{
    public partial class Tensor
    {
        public static Tensor operator +(Tensor left, Tensor right) => throw null!;
        public static Tensor operator +(Tensor left, Scalar right) => throw null!;
        public static Tensor operator +(Scalar left, Tensor right) => throw null!;
        public static Tensor operator +(Tensor left, int right) => throw null!;
        public static Tensor operator +(Tensor left, long right) => throw null!;
        public static Tensor operator +(Tensor left, float right) => throw null!;
        public static Tensor operator +(Tensor left, double right) => throw null!;
        public static Tensor operator +(int left, Tensor right) => throw null!;
        public static Tensor operator +(long left, Tensor right) => throw null!;
        public static Tensor operator +(float left, Tensor right) => throw null!;
        public static Tensor operator +(double left, Tensor right) => throw null!;

        public static Tensor operator *(Tensor left, Tensor right) => throw null!;
        public static Tensor operator *(Tensor left, Scalar right) => throw null!;
        public static Tensor operator *(Scalar left, Tensor right) => throw null!;
        public static Tensor operator *(Tensor left, int right) => throw null!;
        public static Tensor operator *(Tensor left, long right) => throw null!;
        public static Tensor operator *(Tensor left, float right) => throw null!;
        public static Tensor operator *(Tensor left, double right) => throw null!;
        public static Tensor operator *(int left, Tensor right) => throw null!;
        public static Tensor operator *(long left, Tensor right) => throw null!;
        public static Tensor operator *(float left, Tensor right) => throw null!;
        public static Tensor operator *(double left, Tensor right) => throw null!;

        public static Tensor operator -(Tensor left, Tensor right) => throw null!;
        public static Tensor operator -(Tensor left, Scalar right) => throw null!;
        public static Tensor operator -(Scalar left, Tensor right) => throw null!;
        public static Tensor operator -(Tensor left, int right) => throw null!;
        public static Tensor operator -(Tensor left, long right) => throw null!;
        public static Tensor operator -(Tensor left, float right) => throw null!;
        public static Tensor operator -(Tensor left, double right) => throw null!;
        public static Tensor operator -(int left, Tensor right) => throw null!;
        public static Tensor operator -(long left, Tensor right) => throw null!;
        public static Tensor operator -(float left, Tensor right) => throw null!;
        public static Tensor operator -(double left, Tensor right) => throw null!;

        public static Tensor operator /(Tensor left, Tensor right) => throw null!;
        public static Tensor operator /(Tensor left, Scalar right) => throw null!;
        public static Tensor operator /(Scalar left, Tensor right) => throw null!;
        public static Tensor operator /(Tensor left, int right) => throw null!;
        public static Tensor operator /(Tensor left, long right) => throw null!;
        public static Tensor operator /(Tensor left, float right) => throw null!;
        public static Tensor operator /(Tensor left, double right) => throw null!;
        public static Tensor operator /(int left, Tensor right) => throw null!;
        public static Tensor operator /(long left, Tensor right) => throw null!;
        public static Tensor operator /(float left, Tensor right) => throw null!;
        public static Tensor operator /(double left, Tensor right) => throw null!;

        public static Tensor operator %(Tensor left, Tensor right) => throw null!;
        public static Tensor operator %(Tensor left, Scalar right) => throw null!;
        public static Tensor operator %(Tensor left, int right) => throw null!;
        public static Tensor operator %(Tensor left, long right) => throw null!;
        public static Tensor operator %(Tensor left, float right) => throw null!;
        public static Tensor operator %(Tensor left, double right) => throw null!;

        public static Tensor operator &(Tensor left, Tensor right) => throw null!;
        public static Tensor operator |(Tensor left, Tensor right) => throw null!;
        public static Tensor operator ^(Tensor left, Tensor right) => throw null!;
        public static Tensor operator ~(Tensor left) => throw null!;

        public static Tensor operator -(Tensor tensor) => throw null!;

        // Comparisons yield Tensors, so `==` and `!=` are not reference equality (hence Equals/GetHashCode overrides).
        public static Tensor operator ==(Tensor left, Tensor right) => throw null!;
        public static Tensor operator ==(Tensor left, Scalar right) => throw null!;
        public static Tensor operator ==(Scalar left, Tensor right) => throw null!;
        public static Tensor operator !=(Tensor left, Tensor right) => throw null!;
        public static Tensor operator !=(Tensor left, Scalar right) => throw null!;
        public static Tensor operator !=(Scalar left, Tensor right) => throw null!;
        public static Tensor operator <(Tensor left, Tensor right) => throw null!;
        public static Tensor operator <(Tensor left, Scalar right) => throw null!;
        public static Tensor operator <(Scalar left, Tensor right) => throw null!;
        public static Tensor operator <=(Tensor left, Tensor right) => throw null!;
        public static Tensor operator <=(Tensor left, Scalar right) => throw null!;
        public static Tensor operator <=(Scalar left, Tensor right) => throw null!;
        public static Tensor operator >(Tensor left, Tensor right) => throw null!;
        public static Tensor operator >(Tensor left, Scalar right) => throw null!;
        public static Tensor operator >(Scalar left, Tensor right) => throw null!;
        public static Tensor operator >=(Tensor left, Tensor right) => throw null!;
        public static Tensor operator >=(Tensor left, Scalar right) => throw null!;
        public static Tensor operator >=(Scalar left, Tensor right) => throw null!;

        public static implicit operator Tensor(byte value) => throw null!;
        public static implicit operator Tensor(sbyte value) => throw null!;
        public static implicit operator Tensor(short value) => throw null!;
        public static implicit operator Tensor(int value) => throw null!;
        public static implicit operator Tensor(long value) => throw null!;
        public static implicit operator Tensor(float value) => throw null!;
        public static implicit operator Tensor(double value) => throw null!;
        public static implicit operator Tensor(bool value) => throw null!;
        public static implicit operator Tensor((float, float) value) => throw null!;
        public static implicit operator Tensor(System.Numerics.Complex value) => throw null!;
        public static implicit operator Tensor(byte[] value) => throw null!;
        public static implicit operator Tensor(sbyte[] value) => throw null!;
        public static implicit operator Tensor(short[] value) => throw null!;
        public static implicit operator Tensor(int[] value) => throw null!;
        public static implicit operator Tensor(long[] value) => throw null!;
        public static implicit operator Tensor(float[] value) => throw null!;
        public static implicit operator Tensor(double[] value) => throw null!;
        public static implicit operator Tensor(bool[] value) => throw null!;
        public static implicit operator Tensor((float, float)[] value) => throw null!;
        public static implicit operator Tensor(System.Numerics.Complex[] value) => throw null!;

        // TorchSharp declares this only to steer overload resolution (e.g. `t == 0.0` picks the Scalar
        // overload); it throws if ever invoked.
        public static implicit operator Tensor(Scalar scalar) => throw null!;
    }
}
