// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Tensor/Tensor.cs, Tensor.Math.cs, Tensor.Trig.cs and
// Tensor.LinearAlgebra.cs. Only the subset NanGuard and realistic user code touch is declared.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace TorchSharp;

public static partial class torch
{
    public partial class Tensor : IDisposable
    {
        // TorchSharp's only constructor takes a native handle and is internal: no public constructor.
        internal Tensor(IntPtr handle) => throw null!;

        public static Tensor UnsafeCreateTensor(IntPtr handle) => throw null!;

        public override bool Equals(object? obj) => throw null!;
        public override int GetHashCode() => throw null!;

        public string? name { get => throw null!; set => throw null!; }

        public void Dispose() => throw null!;
        public bool IsInvalid => throw null!;
        public IntPtr Handle => throw null!;

        public Tensor MoveToOuterDisposeScope() => throw null!;
        public Tensor DetachFromDisposeScope() => throw null!;

        public static long TotalCount => throw null!;
        public static long PeakCount => throw null!;

        // ---- metadata
        public long Dimensions => throw null!;
        public long dim() => throw null!;
        public long ndim => throw null!;
        public long NumberOfElements => throw null!;
        public long numel() => throw null!;
        public long ElementSize => throw null!;
        public long element_size() => throw null!;
        public bool is_integral() => throw null!;
        public bool is_floating_point() => throw null!;
        public bool is_complex() => throw null!;
        public bool is_cuda => throw null!;
        public bool is_meta => throw null!;
        public bool is_leaf => throw null!;
        public ScalarType dtype => throw null!;
        public Device device => throw null!;
        public int device_index => throw null!;
        public DeviceType device_type => throw null!;
        public long[] shape => throw null!;
        public long size(int dim) => throw null!;
        public long[] size() => throw null!;
        public long[] stride() => throw null!;
        public long stride(int dim) => throw null!;
        public bool is_contiguous() => throw null!;
        public Tensor contiguous() => throw null!;

        // ---- values
        public T item<T>() where T : unmanaged => throw null!;
        public Scalar ToScalar() => throw null!;
        public Tensor fill_(Scalar value) => throw null!;
        public object tolist() => throw null!;

        public static explicit operator float(Tensor value) => throw null!;
        public static explicit operator double(Tensor value) => throw null!;
        public static explicit operator sbyte(Tensor value) => throw null!;
        public static explicit operator byte(Tensor value) => throw null!;
        public static explicit operator short(Tensor value) => throw null!;
        public static explicit operator int(Tensor value) => throw null!;
        public static explicit operator long(Tensor value) => throw null!;
        public static explicit operator bool(Tensor value) => throw null!;

        // ---- autograd
        public bool requires_grad { get => throw null!; set => throw null!; }
        public Tensor requires_grad_(bool requires_grad = true) => throw null!;
        public Tensor with_requires_grad(bool requires_grad = true) => throw null!;
        public void retain_grad() => throw null!;

        // Here `grad` is a property; every get returns a new wrapper the caller must dispose.
        public Tensor? grad { get => throw null!; set => throw null!; }

        public void backward() => throw null!;
        public void backward(IList<Tensor>? grad_tensors = null, bool create_graph = false, bool retain_graph = false, IList<Tensor>? inputs = null) => throw null!;

        public Tensor detach() => throw null!;
        public Tensor detach_() => throw null!;
        public Tensor clone() => throw null!;
        public Tensor alias() => throw null!;
        public Tensor copy_(Tensor source, bool nonBlocking = false) => throw null!;

        // ---- devices and types
        public bool is_cpu() => throw null!;
        public Tensor cpu() => throw null!;
        public Tensor cuda(Device? device = null) => throw null!;
        public Tensor to_type(ScalarType type, bool copy = false) => throw null!;
        public Tensor type_as(Tensor tensor) => throw null!;
        public Tensor to(DeviceType deviceType, int deviceIndex = -1, bool copy = false) => throw null!;
        public Tensor to(ScalarType type, Device device, bool copy = false) => throw null!;
        public Tensor to(ScalarType type) => throw null!;
        public Tensor to(string device) => throw null!;
        public Tensor to(Device device) => throw null!;
        public Tensor to(Tensor other) => throw null!;

        // ---- shape
        public Tensor reshape(params long[] shape) => throw null!;
        public Tensor view(params long[] shape) => throw null!;
        public Tensor flatten(long start_dim = 0, long end_dim = -1) => throw null!;
        public Tensor unsqueeze(long dim) => throw null!;
        public Tensor t() => throw null!;
        public Tensor transpose(long dim0, long dim1) => throw null!;
        public Tensor select(long dim, long index) => throw null!;
        public Tensor index_select(long dim, Tensor index) => throw null!;
        public Tensor gather(long dim, Tensor index) => throw null!;
        public Tensor where(Tensor condition, Tensor y) => throw null!;

        // TorchSharp names its indexers "TensorItems" (get_TensorItems / set_TensorItems in metadata).
        [IndexerName("TensorItems")]
        public Tensor this[long i1] { get => throw null!; set => throw null!; }
        [IndexerName("TensorItems")]
        public Tensor this[long i1, long i2] { get => throw null!; set => throw null!; }
        [IndexerName("TensorItems")]
        public Tensor this[params Tensor[] indices] { get => throw null!; set => throw null!; }

        // ---- arithmetic
        public Tensor add(Tensor target) => throw null!;
        public Tensor add(Tensor target, Scalar alpha) => throw null!;
        public Tensor add(Scalar scalar) => throw null!;
        public Tensor add(Scalar scalar, Scalar alpha) => throw null!;
        public Tensor add_(Tensor target) => throw null!;
        public Tensor add_(Tensor target, Scalar alpha) => throw null!;
        public Tensor add_(Scalar scalar) => throw null!;
        public Tensor add_(Scalar scalar, Scalar alpha) => throw null!;
        public Tensor sub(Tensor target) => throw null!;
        public Tensor sub(Scalar target) => throw null!;
        public Tensor sub_(Tensor target) => throw null!;
        public Tensor sub_(Scalar target) => throw null!;
        public Tensor mul(Tensor target) => throw null!;
        public Tensor mul(Scalar target) => throw null!;
        public Tensor mul_(Tensor target) => throw null!;
        public Tensor mul_(Scalar target) => throw null!;
        public Tensor neg() => throw null!;
        public Tensor negative() => throw null!;
        public Tensor neg_() => throw null!;
        public Tensor reciprocal() => throw null!;
        public Tensor matmul(Tensor target) => throw null!;
        public Tensor zero_() => throw null!;

        public Tensor abs() => throw null!;
        public Tensor abs_() => throw null!;
        public Tensor pow(Tensor exponent) => throw null!;
        public Tensor pow(Scalar exponent) => throw null!;
        public Tensor pow_(Tensor exponent) => throw null!;
        public Tensor pow_(Scalar exponent) => throw null!;
        public Tensor sqrt() => throw null!;
        public Tensor sqrt_() => throw null!;
        public Tensor rsqrt() => throw null!;
        public Tensor exp() => throw null!;
        public Tensor exp_() => throw null!;
        public Tensor expm1() => throw null!;
        public Tensor expm1_() => throw null!;
        public Tensor log() => throw null!;
        public Tensor log_() => throw null!;
        public Tensor log1p() => throw null!;
        public Tensor log1p_() => throw null!;
        public Tensor log2() => throw null!;
        public Tensor log10() => throw null!;
        public Tensor acos() => throw null!;
        public Tensor acos_() => throw null!;
        public Tensor asin() => throw null!;
        public Tensor asin_() => throw null!;
        public Tensor tanh() => throw null!;

        public Tensor clamp(Scalar? min = null, Scalar? max = null) => throw null!;
        public Tensor clamp(Tensor? min = null, Tensor? max = null) => throw null!;
        public Tensor clamp_(Scalar? min = null, Scalar? max = null) => throw null!;
        public Tensor clamp_(Tensor? min = null, Tensor? max = null) => throw null!;
        public Tensor clip(Scalar? min = null, Scalar? max = null) => throw null!;
        public Tensor clamp_min(Scalar min) => throw null!;
        public Tensor clamp_min_(Scalar min) => throw null!;
        public Tensor clamp_max(Scalar max) => throw null!;
        public Tensor clamp_max_(Scalar max) => throw null!;
        public Tensor nan_to_num(double nan = 0d, double? posinf = null, double? neginf = null) => throw null!;

        // ---- activations
        public Tensor relu() => throw null!;
        public Tensor relu_() => throw null!;
        public Tensor sigmoid() => throw null!;
        public Tensor sigmoid_() => throw null!;
        public Tensor log_sigmoid() => throw null!;
        public Tensor softplus(double beta = 1, double threshold = 20) => throw null!;
        public Tensor softmax(long dim, ScalarType? dtype = null) => throw null!;
        public Tensor log_softmax(long dim, ScalarType? dtype = null) => throw null!;

        // ---- reductions
        public Tensor sum(ScalarType? type = null) => throw null!;
        public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => throw null!;
        public Tensor mean() => throw null!;
        public Tensor mean(long[] dims, bool keepdim = false, ScalarType? type = null) => throw null!;
        public Tensor std(bool unbiased = true) => throw null!;
        public Tensor var(bool unbiased = true) => throw null!;
        public Tensor logsumexp(long dim, bool keepdim = false) => throw null!;
        public Tensor norm(float p = 2.0f) => throw null!;
        public Tensor norm(int dim, bool keepdim = false, float p = 2.0f) => throw null!;
        public Tensor max() => throw null!;
        public Tensor min() => throw null!;
        public Tensor argmax() => throw null!;
        public Tensor argmax(long dim, bool keepdim = false) => throw null!;
        public Tensor argmin() => throw null!;
        public Tensor argmin(long dim, bool keepdim = false) => throw null!;
        public Tensor all() => throw null!;
        public Tensor all(long dim, bool keepdim = false) => throw null!;
        public Tensor any() => throw null!;
        public Tensor any(long dim, bool keepdim = false) => throw null!;

        // ---- comparison and classification
        public Tensor eq(Tensor target) => throw null!;
        public Tensor eq(Scalar target) => throw null!;
        public Tensor ne(Tensor target) => throw null!;
        public Tensor ne(Scalar target) => throw null!;
        public Tensor lt(Tensor target) => throw null!;
        public Tensor lt(Scalar target) => throw null!;
        public Tensor le(Tensor target) => throw null!;
        public Tensor le(Scalar target) => throw null!;
        public Tensor gt(Tensor target) => throw null!;
        public Tensor gt(Scalar target) => throw null!;
        public Tensor ge(Tensor target) => throw null!;
        public Tensor ge(Scalar target) => throw null!;
        public Tensor isnan() => throw null!;
        public Tensor isinf() => throw null!;
        public Tensor isfinite() => throw null!;
        public Tensor isposinf() => throw null!;
        public Tensor isneginf() => throw null!;
        public bool allclose(Tensor target, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) => throw null!;
        public bool equal(Tensor target) => throw null!;

        // ---- strings
        public override string ToString() => throw null!;
        public string ToString(bool disamb, string? fltFormat = null, int? width = null, CultureInfo? cultureInfo = null, string? newLine = null) => throw null!;
    }
}
