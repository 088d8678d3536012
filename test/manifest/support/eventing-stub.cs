// System.Diagnostics.Eventing as .NET Framework 3.5 documents it (the members mc.exe's C# uses),
// for compiling generated C# where the real System.Core is not at hand (Mono lacks EventDescriptor).
// WriteEvent(ref, int, IntPtr) is protected there, which is why mc.exe writes a subclass.
namespace System.Diagnostics.Eventing
{
    using System;
    public struct EventDescriptor
    {
        public EventDescriptor(int id, byte version, byte channel, byte level, byte opcode, int task, long keywords) { EventId = id; Version = version; Channel = channel; Level = level; Opcode = opcode; Task = task; Keywords = keywords; }
        public int EventId { get; private set; }
        public byte Version { get; private set; }
        public byte Channel { get; private set; }
        public byte Level { get; private set; }
        public byte Opcode { get; private set; }
        public int Task { get; private set; }
        public long Keywords { get; private set; }
    }
    public class EventProvider : IDisposable
    {
        public EventProvider(Guid providerGuid) { }
        public void Dispose() { }
        public bool IsEnabled() { return false; }
        public bool IsEnabled(byte level, long keywords) { return false; }
        public bool WriteEvent(ref EventDescriptor eventDescriptor, string data) { return true; }
        public bool WriteEvent(ref EventDescriptor eventDescriptor, params object[] eventPayload) { return true; }
        protected bool WriteEvent(ref EventDescriptor eventDescriptor, int dataCount, IntPtr data) { return true; }
    }
}
